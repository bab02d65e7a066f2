package dev.fourways.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The input rules of the contract, in one place, so that every style rejects the same bad input
 * the same way and before any SQL is sent.
 *
 * <p>Every method throws {@link IllegalArgumentException} whose message starts with the name of
 * the offending field (for example {@code "email: must contain one '@' ..."}); none touches a
 * database. The records' compact constructors call these, and so do stores for the arguments
 * that are not records (page numbers, limits, a new e-mail).
 */
public final class Validation {

    /** Longest page or list a caller may ask for, in rows. */
    public static final int MAX_PAGE_SIZE = 1000;

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{3,50}");
    private static final int MAX_EMAIL = 120;
    private static final int MAX_DISPLAY_NAME = 100;
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000.00");

    private Validation() {
    }

    /**
     * A username: 3 to 50 ASCII letters, digits, {@code .}, {@code _} or {@code -}.
     *
     * @return the username in lower case (usernames are unique case-insensitively on every database)
     */
    public static String username(String field, String value) {
        require(field, value);
        if (!USERNAME.matcher(value).matches()) {
            throw invalid(field, "must be 3 to 50 ASCII letters, digits, '.', '_' or '-', was '" + value + "'");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /**
     * An e-mail address: at most 120 characters, no white space, exactly one {@code @} with text
     * on both sides.
     *
     * @return the address in lower case
     */
    public static String email(String field, String value) {
        require(field, value);
        if (value.length() > MAX_EMAIL) {
            throw invalid(field, "must be at most " + MAX_EMAIL + " characters, was " + value.length());
        }
        int at = value.indexOf('@');
        if (at <= 0 || at != value.lastIndexOf('@') || at == value.length() - 1
                || value.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(field, "must contain one '@' with text on both sides and no white space, was '" + value + "'");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** An optional display name: null, or at most 100 characters (code points) of any Unicode. */
    public static String displayName(String field, String value) {
        if (value != null && value.codePointCount(0, value.length()) > MAX_DISPLAY_NAME) {
            throw invalid(field, "must be at most " + MAX_DISPLAY_NAME + " characters");
        }
        return value;
    }

    /**
     * A purchase amount: greater than 0, at most 1,000,000.00, at most two decimal places.
     *
     * @return the amount with scale 2, as every database returns it
     */
    public static BigDecimal amount(String field, BigDecimal value) {
        require(field, value);
        if (value.signum() <= 0 || value.compareTo(MAX_AMOUNT) > 0) {
            throw invalid(field, "must be greater than 0 and at most 1000000.00, was " + value.toPlainString());
        }
        if (value.stripTrailingZeros().scale() > 2) {
            throw invalid(field, "must have at most 2 decimal places, was " + value.toPlainString());
        }
        return value.setScale(2);
    }

    /** A timestamp, truncated to the microsecond: what PostgreSQL, MariaDB and H2 all keep. */
    public static Instant instant(String field, Instant value) {
        require(field, value);
        return value.truncatedTo(ChronoUnit.MICROS);
    }

    /** A page number: 0 or more (pages are numbered from 0). */
    public static int pageNumber(String field, int value) {
        if (value < 0) {
            throw invalid(field, "must be 0 or more, was " + value);
        }
        return value;
    }

    /** A page size or a limit: 1 to {@value #MAX_PAGE_SIZE} rows. */
    public static int pageSize(String field, int value) {
        if (value < 1 || value > MAX_PAGE_SIZE) {
            throw invalid(field, "must be between 1 and " + MAX_PAGE_SIZE + ", was " + value);
        }
        return value;
    }

    /** A value that must be present. */
    public static <T> T require(String field, T value) {
        if (value == null) {
            throw invalid(field, "is required");
        }
        return value;
    }

    /**
     * A list that must be present and hold no null element.
     *
     * @return the list
     * @throws IllegalArgumentException naming {@code field}, or {@code field[i]} for the first null element
     */
    public static <T> java.util.List<T> requireEach(String field, java.util.List<T> values) {
        require(field, values);
        for (int i = 0; i < values.size(); i++) {
            require(field + "[" + i + "]", values.get(i));
        }
        return values;
    }

    /** Two different ids ({@code mergeUsers} cannot merge a user into itself). */
    public static void distinct(String field, long a, long b) {
        if (a == b) {
            throw invalid(field, "must differ from the other id, both were " + a);
        }
    }

    static IllegalArgumentException invalid(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }
}
