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
 * database. The records' compact constructors call these, and so does
 * {@link dev.fourways.GuardedUserStore} for the arguments that are not records (page numbers,
 * limits, a new e-mail, a keyset cursor).
 *
 * <p>The rules that keep every value exact on H2, PostgreSQL and MariaDB:
 * <ul>
 *   <li>A string that is stored or compared may not hold U+0000 (PostgreSQL refuses it in text,
 *       SQL state 22021) nor an unpaired UTF-16 surrogate (PostgreSQL and MariaDB store it as
 *       {@code ?}): {@link #storable}. Other control characters are stored exactly where a field
 *       allows them (display names).</li>
 *   <li>Lengths are checked on the value as stored, after lower-casing: some characters lower-case
 *       to two (U+0130 {@code İ} becomes {@code i̇}), and the column counts the result.</li>
 *   <li>Instants are truncated to the microsecond and must lie in
 *       [{@link #EARLIEST}, {@link #LATEST}], MariaDB's {@code DATETIME(6)} range (PostgreSQL and
 *       H2 accept more; the common range is the contract's).</li>
 * </ul>
 */
public final class Validation {

    /** Longest page or list a caller may ask for, in rows. */
    public static final int MAX_PAGE_SIZE = 1000;

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._-]{3,50}");
    private static final int MAX_EMAIL = 120;
    private static final int MAX_DISPLAY_NAME = 100;
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000.00");

    /** The earliest instant every database stores: MariaDB's {@code DATETIME} starts at year 1000. */
    public static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    /** The latest instant every database stores, to the microsecond: MariaDB's {@code DATETIME(6)} end. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9._-]{1,50}");

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
            throw invalid(field, "must be 3 to 50 ASCII letters, digits, '.', '_' or '-', was " + quoted(value));
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
        storable(field, require(field, value));
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.length() > MAX_EMAIL) {
            throw invalid(field, "must be at most " + MAX_EMAIL + " characters once lower-cased, was "
                    + lower.length() + " (" + value.length() + " as given)");
        }
        int at = lower.indexOf('@');
        if (at <= 0 || at != lower.lastIndexOf('@') || at == lower.length() - 1
                || lower.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw invalid(field, "must contain one '@' with text on both sides and no white space or control"
                    + " character, was " + quoted(value));
        }
        return lower;
    }

    /**
     * A string the databases store and compare exactly: no U+0000 and no unpaired surrogate.
     *
     * @return the value, unchanged; null stays null (presence is the caller's rule)
     */
    public static String storable(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw invalid(field, "must not contain U+0000 (no database here stores it in text), at index " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalid(field, "must not contain an unpaired UTF-16 surrogate (stored as '?'), at index " + i);
            }
        }
        return value;
    }

    /**
     * A keyset cursor for {@code listAfter}: null (start at the beginning), or 1 to 50 characters of
     * the username alphabet, so that it compares on every database exactly as usernames sort (a
     * control character or space would be padded away by MariaDB's PAD SPACE collation).
     *
     * @return the cursor in lower case, or null
     */
    public static String cursor(String field, String value) {
        if (value == null) {
            return null;
        }
        if (!CURSOR.matcher(value).matches()) {
            throw invalid(field, "must be null or 1 to 50 ASCII letters, digits, '.', '_' or '-', was " + quoted(value));
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** An optional display name: null, or at most 100 characters (code points) of any Unicode. */
    public static String displayName(String field, String value) {
        storable(field, value);
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

    /**
     * A timestamp, truncated to the microsecond (what PostgreSQL, MariaDB and H2 all keep), then
     * checked to lie in [{@link #EARLIEST}, {@link #LATEST}].
     *
     * @return the truncated instant
     */
    public static Instant instant(String field, Instant value) {
        require(field, value);
        Instant truncated = value.truncatedTo(ChronoUnit.MICROS);
        if (truncated.isBefore(EARLIEST) || truncated.isAfter(LATEST)) {
            throw invalid(field, "must be between " + EARLIEST + " and " + LATEST
                    + " (the range every database stores), was " + value);
        }
        return truncated;
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

    /** The value in quotes, with control characters and surrogates as {@code \\uXXXX} so a message stays readable. */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder("'");
        value.chars().forEach(c -> {
            if (Character.isISOControl(c) || Character.isSurrogate((char) c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.append((char) c);
            }
        });
        return out.append('\'').toString();
    }

    static IllegalArgumentException invalid(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }
}
