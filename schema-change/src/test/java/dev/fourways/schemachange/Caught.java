package dev.fourways.schemachange;

/** When a forgotten change shows, earliest first. */
public enum Caught {
    /** The build fails: the compiler rejects code that names what the schema no longer has. */
    COMPILE("compile time"),
    /** Opening the store fails (for example Hibernate's schema validation). */
    START_UP("start-up"),
    /** The first statement that touches the changed column fails. */
    FIRST_QUERY("first query touching the column"),
    /** Nothing fails, and every value written or read is kept exactly (checked with plain JDBC). */
    NEVER_NOTHING_LOST("never, and nothing is lost"),
    /** Nothing fails, but a value is silently lost or left empty (checked with plain JDBC). */
    NEVER_VALUE_LOST("never: a value is silently lost");

    private final String words;

    Caught(String words) {
        this.words = words;
    }

    /** For reports. */
    public String words() {
        return words;
    }
}
