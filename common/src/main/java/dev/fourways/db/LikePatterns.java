package dev.fourways.db;

/**
 * {@code LIKE} patterns that match a caller's text literally: {@code %}, {@code _} and the escape
 * character itself are escaped. The escape character is {@code !}, not a backslash, because
 * MariaDB reads a backslash inside a string literal as an escape of its own; write the SQL as
 * {@code column like ? escape '!'} on every database.
 */
public final class LikePatterns {

    /** The escape character to name in {@code escape '!'}. */
    public static final char ESCAPE = '!';

    private LikePatterns() {
    }

    /** @return a pattern matching any text that contains {@code text} */
    public static String contains(String text) {
        return "%" + escape(text) + "%";
    }

    /** @return a pattern matching any text that ends with {@code text} */
    public static String endsWith(String text) {
        return "%" + escape(text);
    }

    /** @return {@code text} with {@code !}, {@code %} and {@code _} escaped by {@code !} */
    public static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if (c == ESCAPE || c == '%' || c == '_') {
                sb.append(ESCAPE);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
