package dev.fourways.mapperxml;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@code userWithPurchasesResult} result map fills from joined rows: one object per user,
 * built through its constructor from the user's columns, its purchases appended row by row.
 *
 * <p>It exists because MyBatis 3.5 fills a {@code <collection>} by adding to a property of an
 * object it already built, which an immutable record cannot offer ({@code <collection>} inside
 * {@code <constructor>} arrives only in MyBatis 3.6). MyBatis reads the {@code purchases} field by
 * reflection (no getter needed) and adds to it; {@link #toRecord()} hands the caller the
 * immutable record.
 */
public final class UserWithPurchasesRow {

    private final User user;
    private final List<Purchase> purchases = new ArrayList<>();

    /** Called by MyBatis with the {@code <constructor>} arguments inherited from {@code userResult}. */
    public UserWithPurchasesRow(long id, String username, String email, String displayName, Instant createdAt,
                                long version) {
        this.user = new User(id, username, email, displayName, createdAt, version);
    }

    /** The immutable record the store returns. */
    public UserWithPurchases toRecord() {
        return new UserWithPurchases(user, purchases);
    }
}
