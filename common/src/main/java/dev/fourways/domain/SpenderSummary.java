package dev.fourways.domain;

import java.math.BigDecimal;

/**
 * One row of {@code topSpenders}: what one user spent.
 *
 * @param userId        the user
 * @param username      the user's username
 * @param purchaseCount how many purchases were counted
 * @param total         their sum, with scale 2
 */
public record SpenderSummary(long userId, String username, long purchaseCount, BigDecimal total) {

    public SpenderSummary {
        Validation.require("username", username);
        total = Validation.require("total", total).setScale(2);
    }
}
