package dev.fourways.domain;

/**
 * A purchase with the user who placed it: the many-to-one side of users and purchases, as
 * {@code UserStore.findPurchase} reads it in one statement.
 *
 * @param purchase the purchase
 * @param user     its user: {@code user.id()} equals {@code purchase.userId()}
 */
public record PurchaseWithUser(Purchase purchase, User user) {

    /**
     * @throws IllegalArgumentException naming {@code user} when the user is not the purchase's
     *                                  ({@code user.id() != purchase.userId()}), or naming the
     *                                  missing component when one is null
     */
    public PurchaseWithUser {
        Validation.require("purchase", purchase);
        Validation.require("user", user);
        if (user.id() != purchase.userId()) {
            throw new IllegalArgumentException("user: id " + user.id() + " is not the purchase's user " + purchase.userId());
        }
    }
}
