package dev.fourways.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A stored purchase.
 *
 * @param id       the database id (from the {@code purchases_seq} sequence)
 * @param userId   the buyer
 * @param amount   with scale 2
 * @param status   never null
 * @param placedAt UTC, to the microsecond
 */
public record Purchase(long id, long userId, BigDecimal amount, PurchaseStatus status, Instant placedAt) {

    public Purchase {
        amount = Validation.require("amount", amount).setScale(2);
        Validation.require("status", status);
        placedAt = Validation.instant("placedAt", placedAt);
    }
}
