package dev.fourways.growth;

/**
 * Names of the synthetic model's tables and classes: table {@code i} (1-based) of {@code n} is
 * {@code t0001} .. {@code t1000}, its classes {@code T0001} ..; tables with an even index have a
 * {@code parent_id} foreign key to the table before them.
 */
public final class Tables {

    private Tables() {
    }

    /** Digits in every name, so names sort and stay the same length: 4 up to 9,999 tables. */
    static int width(int n) {
        return Math.max(4, String.valueOf(n).length());
    }

    /** e.g. {@code t0042} */
    public static String table(int i, int n) {
        return "t" + String.format("%0" + width(n) + "d", i);
    }

    /** e.g. {@code T0042} */
    public static String type(int i, int n) {
        return "T" + String.format("%0" + width(n) + "d", i);
    }

    /** Whether table {@code i} references table {@code i - 1}. */
    public static boolean hasParent(int i) {
        return i % 2 == 0;
    }

    /**
     * The {@code code} value of the one row with id 1 that the migration inserts into every table;
     * the first query of a start-up must return it, which proves it ran on that table.
     */
    public static String firstCode(int i, int n) {
        return table(i, n) + "-1";
    }
}
