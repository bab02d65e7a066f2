package dev.fourways.domain;

import java.math.BigDecimal;

/**
 * A new amount and status for one of a user's stored purchases, within {@link PurchaseChanges}.
 * The purchase keeps its id, its user and its {@code placedAt}.
 *
 * @param purchaseId the purchase to change; it must belong to the user being changed, or
 *                   {@code changePurchases} raises {@code PurchaseNotFoundException}
 * @param amount     validated as for {@link NewPurchase}: greater than 0, at most 1,000,000.00,
 *                   at most 2 decimals; kept with scale 2
 * @param status     required
 */
public record PurchaseChange(long purchaseId, BigDecimal amount, PurchaseStatus status) {

    public PurchaseChange {
        amount = Validation.amount("amount", amount);
        Validation.require("status", status);
    }

    /** The stored purchase after this change. */
    public Purchase applyTo(Purchase stored) {
        return new Purchase(stored.id(), stored.userId(), amount, status, stored.placedAt());
    }
}
