package dev.fourways.domain;

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
}
