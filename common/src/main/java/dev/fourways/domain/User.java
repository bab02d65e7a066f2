package dev.fourways.domain;

import java.time.Instant;

/**
 * A stored user, as every store returns it.
 *
 * @param id          the database id (from the {@code users_seq} sequence)
 * @param username    lower case, unique
 * @param email       lower case, unique
 * @param displayName optional (null), any Unicode, exactly as stored
 * @param createdAt   UTC, to the microsecond
 * @param version     the optimistic-lock version: 0 when created, one more after each change
 */
public record User(long id, String username, String email, String displayName, Instant createdAt, long version) {

    public User {
        Validation.require("username", username);
        Validation.require("email", email);
        createdAt = Validation.instant("createdAt", createdAt);
    }
}
