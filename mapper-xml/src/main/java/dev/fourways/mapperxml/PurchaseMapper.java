package dev.fourways.mapperxml;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChange;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.annotations.Param;

/**
 * The MyBatis mapper of the {@code purchases} table; its SQL and result maps live in
 * {@code PurchaseMapper.xml} at the same package path (namespace = this interface's full name).
 */
public interface PurchaseMapper {

    /** Takes values of {@code purchases_seq}, one row per value; SQL per database ({@code databaseId}). */
    long[] nextIdBlocks(@Param("count") int count);

    /** The purchase joined to its user, in one statement; empty when no purchase has the id. */
    Optional<PurchaseWithUser> findPurchase(@Param("id") long id);

    /** Inserts a purchase with its id already reserved. @return rows inserted */
    int insert(Purchase purchase);

    /**
     * Sets the amount and status of the purchase {@code change.purchaseId()}; {@code changePurchases}
     * queues one per change in a {@code BATCH} session, so they go as one JDBC batch.
     *
     * @return rows updated, or {@code BatchExecutor.BATCH_UPDATE_RETURN_VALUE} in a {@code BATCH} session
     */
    int changeAmountAndStatus(PurchaseChange change);

    /**
     * Deletes one purchase; {@code changePurchases} queues one per id in a {@code BATCH} session, so
     * they go as one JDBC batch.
     *
     * @return rows deleted, or {@code BatchExecutor.BATCH_UPDATE_RETURN_VALUE} in a {@code BATCH} session
     */
    int deleteById(@Param("id") long id);

    /**
     * Sets the status of every purchase in one of {@code from} placed before {@code cutoff} to
     * {@code to}, in one statement.
     *
     * @return the number of purchases changed
     */
    int changeStatusPlacedBefore(@Param("from") List<PurchaseStatus> from, @Param("to") PurchaseStatus to,
                                 @Param("cutoff") Instant cutoff);

    /**
     * Locks ({@code for update skip locked}) and returns up to {@code limit} purchases in
     * {@code status}, oldest first ({@code placed_at}, then id), skipping those another
     * transaction holds locked. Only meaningful inside a transaction, which keeps the locks.
     */
    List<Purchase> lockOldestInStatus(@Param("status") PurchaseStatus status, @Param("limit") int limit);

    /** Sets the status of the purchases with these ids, in one statement. @return purchases changed */
    int changeStatusOfIds(@Param("ids") List<Long> ids, @Param("to") PurchaseStatus to);

    /** Moves every purchase of one user to another, in one statement. @return purchases moved */
    int moveToUser(@Param("fromUserId") long fromUserId, @Param("toUserId") long toUserId);

    /**
     * Spending per user over purchases placed at or after {@code since} and not in status
     * {@code excluded}, total descending then username.
     */
    List<SpenderSummary> topSpenders(@Param("since") Instant since, @Param("excluded") PurchaseStatus excluded,
                                     @Param("limit") int limit);
}
