package dev.fourways.manual;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jdbi.v3.core.result.RowReducer;
import org.jdbi.v3.core.result.RowView;

/**
 * Folds the rows of {@code users left join purchases} (one row per purchase, or one row with null
 * purchase columns for a user without any) into one {@link UserWithPurchases} per user, in the
 * order the query returned the users.
 *
 * <p>The Jdbi way to collapse a one-to-many join
 * (Jdbi Developer Guide, "ResultBearing.reduceRows()"; <a href="https://jdbi.org/apidocs/org/jdbi/v3/core/result/RowReducer.html">{@code RowReducer}</a>): a {@link RowReducer} whose
 * container is an insertion-ordered map keyed by user id. The user's columns are mapped once, by
 * {@link UserRowMapper}, the first time its id is seen; every row then adds its purchase, mapped
 * by {@link PurchaseRowMapper} from the {@code p_}-prefixed columns. The records are immutable, so
 * the container holds mutable {@link Folding}s and builds the records at the end.
 *
 * <p>Stateless apart from the two mappers it is given; one instance serves every query.
 */
final class UserWithPurchasesReducer
        implements RowReducer<Map<Long, UserWithPurchasesReducer.Folding>, UserWithPurchases> {

    /** The label of the purchase id in the joined row: null when the user has no purchase. */
    static final String PURCHASE_ID = "p_id";

    private final UserRowMapper users;
    private final PurchaseRowMapper purchases;

    /**
     * @param users     maps the user's columns (unprefixed)
     * @param purchases maps the purchase's columns, prefixed so that {@value #PURCHASE_ID} is its id
     */
    UserWithPurchasesReducer(UserRowMapper users, PurchaseRowMapper purchases) {
        this.users = users;
        this.purchases = purchases;
    }

    /** A user being folded: the record, and the purchases seen so far. */
    record Folding(User user, List<Purchase> purchases) {
    }

    @Override
    public Map<Long, Folding> container() {
        return new LinkedHashMap<>();
    }

    @Override
    public void accumulate(Map<Long, Folding> container, RowView row) {
        // RowView.getRow(RowMapper) runs our own mapper on the current row (no type lookup); the
        // RowView itself is only valid inside this call, so only mapped values are kept.
        Folding user = container.computeIfAbsent(row.getColumn("id", Long.class),
                id -> new Folding(row.getRow(users), new ArrayList<>()));
        if (row.getColumn(PURCHASE_ID, Long.class) != null) {
            user.purchases().add(row.getRow(purchases));
        }
    }

    @Override
    public Stream<UserWithPurchases> stream(Map<Long, Folding> container) {
        return container.values().stream().map(f -> new UserWithPurchases(f.user(), f.purchases()));
    }
}
