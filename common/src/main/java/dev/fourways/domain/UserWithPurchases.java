package dev.fourways.domain;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A user with all of their purchases, ordered by {@code placedAt}, then id.
 *
 * @param user      the user
 * @param purchases unmodifiable, possibly empty, never null
 */
public record UserWithPurchases(User user, List<Purchase> purchases) {

    public UserWithPurchases {
        Validation.require("user", user);
        purchases = List.copyOf(Validation.require("purchases", purchases));
    }

    /** The order in which every read returns a user's purchases: {@code placedAt}, then id. */
    public static final Comparator<Purchase> ORDER =
            Comparator.comparing(Purchase::placedAt).thenComparingLong(Purchase::id);

    /**
     * A user with these purchases, sorted into {@link #ORDER}: for a write that knows what it stored
     * and returns it as a read would.
     */
    public static UserWithPurchases sorted(User user, Collection<Purchase> purchases) {
        return new UserWithPurchases(user, purchases.stream().sorted(ORDER).toList());
    }
}
