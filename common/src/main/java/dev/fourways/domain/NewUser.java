package dev.fourways.domain;

import java.time.Instant;

/**
 * A user to create. Validated and normalised here, once, so every style stores exactly the same
 * values and rejects the same input with the same {@link IllegalArgumentException} (naming the
 * field) before any SQL is sent.
 *
 * @param username    3–50 ASCII letters, digits, {@code .}, {@code _}, {@code -}; kept lower-cased
 * @param email       at most 120 characters, one {@code @} with text on both sides; kept lower-cased
 * @param displayName optional (null), at most 100 characters of any Unicode, kept exactly
 * @param createdAt   optional: null means now; truncated to the microsecond either way
 */
public record NewUser(String username, String email, String displayName, Instant createdAt) {

    public NewUser {
        username = Validation.username("username", username);
        email = Validation.email("email", email);
        displayName = Validation.displayName("displayName", displayName);
        createdAt = Validation.instant("createdAt", createdAt == null ? Instant.now() : createdAt);
    }

    /** A user created now, with no display name. */
    public static NewUser of(String username, String email) {
        return new NewUser(username, email, null, null);
    }

    /** The stored user this becomes once the store has given it an id (version 0). */
    public User toUser(long id) {
        return new User(id, username, email, displayName, createdAt, 0);
    }
}
