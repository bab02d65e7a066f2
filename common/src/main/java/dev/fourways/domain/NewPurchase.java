package dev.fourways.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A purchase to add to a user. Validated here, once, for every style.
 *
 * @param amount   greater than 0, at most 1,000,000.00, at most 2 decimals; kept with scale 2
 * @param status   required
 * @param placedAt optional: null means now; truncated to the microsecond either way
 */
public record NewPurchase(BigDecimal amount, PurchaseStatus status, Instant placedAt) {

    public NewPurchase {
        amount = Validation.amount("amount", amount);
        Validation.require("status", status);
        placedAt = Validation.instant("placedAt", placedAt == null ? Instant.now() : placedAt);
    }

    /** The stored purchase this becomes once the store has given it an id. */
    public Purchase toPurchase(long id, long userId) {
        return new Purchase(id, userId, amount, status, placedAt);
    }
}
