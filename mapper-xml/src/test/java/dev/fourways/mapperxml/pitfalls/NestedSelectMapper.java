package dev.fourways.mapperxml.pitfalls;

import dev.fourways.mapperxml.UserWithPurchasesRow;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/**
 * The naive mapper of {@link NestedSelectNPlusOneTest}; its statements are in
 * {@code NestedSelectMapper.xml} beside it.
 */
interface NestedSelectMapper {

    /** A page of users in username order, each one's purchases read by the nested select {@code purchasesOf}. */
    List<UserWithPurchasesRow> pageWithPurchases(@Param("limit") int limit, @Param("offset") long offset);
}
