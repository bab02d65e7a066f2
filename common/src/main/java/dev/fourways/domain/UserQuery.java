package dev.fourways.domain;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The criteria of {@code UserStore.search}: every criterion is optional, and only those given
 * take part in the SQL. Build one with {@link #builder()}.
 *
 * @param usernameContains a substring of the username, matched literally ({@code %} and {@code _}
 *                         are not wildcards) and case-insensitively (usernames are lower case);
 *                         {@linkplain Validation#storable storable}
 * @param emailDomain      the part of the e-mail after {@code @}, matched exactly, case-insensitively;
 *                         storable
 * @param createdFrom      users created at or after this instant (inclusive); this and createdTo
 *                         in {@link Validation#instant}'s range
 * @param createdTo        users created before this instant (exclusive)
 * @param minPurchases     users with at least this many purchases, of any status
 * @param sort             the order of the results, never null
 * @param limit            at most this many rows, 1 to 1000
 */
public record UserQuery(String usernameContains, String emailDomain, Instant createdFrom, Instant createdTo,
                        Integer minPurchases, Sort sort, int limit) {

    /** The orders a search can return. */
    public enum Sort {
        /** Username ascending, by code point (ties, impossible since usernames are unique, by id). */
        USERNAME_ASC,
        /** Newest first: {@code createdAt} descending, ties by id descending. */
        CREATED_DESC
    }

    public UserQuery {
        if (usernameContains != null) {
            if (usernameContains.isEmpty()) {
                throw Validation.invalid("usernameContains", "must not be empty (leave it out instead)");
            }
            usernameContains = Validation.storable("usernameContains", usernameContains).toLowerCase(Locale.ROOT);
        }
        if (emailDomain != null) {
            if (emailDomain.isBlank() || emailDomain.contains("@")) {
                throw Validation.invalid("emailDomain", "must be a domain without '@', was '" + emailDomain + "'");
            }
            emailDomain = Validation.storable("emailDomain", emailDomain).toLowerCase(Locale.ROOT);
        }
        if (createdFrom != null) {
            createdFrom = Validation.instant("createdFrom", createdFrom);
        }
        if (createdTo != null) {
            createdTo = Validation.instant("createdTo", createdTo);
        }
        if (createdFrom != null && createdTo != null && !createdFrom.isBefore(createdTo)) {
            throw Validation.invalid("createdTo", "must be after createdFrom");
        }
        if (minPurchases != null && minPurchases < 1) {
            throw Validation.invalid("minPurchases", "must be 1 or more, was " + minPurchases);
        }
        Validation.require("sort", sort);
        Validation.pageSize("limit", limit);
    }

    /** A builder with no criteria, sorted by username, limited to 100 rows. */
    public static Builder builder() {
        return new Builder();
    }

    public Optional<String> usernameContainsOpt() {
        return Optional.ofNullable(usernameContains);
    }

    public Optional<String> emailDomainOpt() {
        return Optional.ofNullable(emailDomain);
    }

    public Optional<Instant> createdFromOpt() {
        return Optional.ofNullable(createdFrom);
    }

    public Optional<Instant> createdToOpt() {
        return Optional.ofNullable(createdTo);
    }

    public OptionalInt minPurchasesOpt() {
        return minPurchases == null ? OptionalInt.empty() : OptionalInt.of(minPurchases);
    }

    /** Builds a {@link UserQuery}; {@link #build()} validates it. */
    public static final class Builder {
        private String usernameContains;
        private String emailDomain;
        private Instant createdFrom;
        private Instant createdTo;
        private Integer minPurchases;
        private Sort sort = Sort.USERNAME_ASC;
        private int limit = 100;

        private Builder() {
        }

        public Builder usernameContains(String value) {
            this.usernameContains = value;
            return this;
        }

        public Builder emailDomain(String value) {
            this.emailDomain = value;
            return this;
        }

        public Builder createdFrom(Instant value) {
            this.createdFrom = value;
            return this;
        }

        public Builder createdTo(Instant value) {
            this.createdTo = value;
            return this;
        }

        public Builder minPurchases(int value) {
            this.minPurchases = value;
            return this;
        }

        public Builder sort(Sort value) {
            this.sort = value;
            return this;
        }

        public Builder limit(int value) {
            this.limit = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the field, for an invalid criterion */
        public UserQuery build() {
            return new UserQuery(usernameContains, emailDomain, createdFrom, createdTo, minPurchases, sort, limit);
        }
    }
}
