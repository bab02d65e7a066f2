package dev.fourways.mapperxml;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code userWithPurchasesResult} result map fills from joined rows: one object per user,
 * its purchases appended row by row.
 *
 * <p>It exists because MyBatis 3.5 fills a {@code <collection>} by adding to a property of an
 * object that already exists, which an immutable record cannot offer ({@code <collection>} inside
 * {@code <constructor>} is not supported before MyBatis 3.6). MyBatis sets the private fields by
 * reflection (no setters needed); {@link #toRecord()} hands the caller the immutable record.
 */
public final class UserWithPurchasesRow {

    private long userId;
    private User user;
    private List<Purchase> purchases = new ArrayList<>();

    /** The immutable record the store returns. */
    public UserWithPurchases toRecord() {
        return new UserWithPurchases(user, purchases);
    }

    /** The id the joined rows were grouped by (the result map's {@code <id>}). */
    public long userId() {
        return userId;
    }
}
