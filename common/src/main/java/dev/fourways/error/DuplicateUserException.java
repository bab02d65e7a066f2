package dev.fourways.error;

/**
 * A username or e-mail is already taken: the database refused the row through one of the named
 * unique constraints {@code users_username_uk} or {@code users_email_uk}.
 */
public class DuplicateUserException extends StoreException {

    /** Which unique value was taken. */
    public enum Field {
        /** {@code users_username_uk} */
        USERNAME,
        /** {@code users_email_uk} */
        EMAIL
    }

    private final Field field;

    public DuplicateUserException(Field field, Throwable cause) {
        super(field.name().toLowerCase(java.util.Locale.ROOT) + " is already taken", cause);
        this.field = field;
    }

    /** @return the field whose unique constraint was violated */
    public Field field() {
        return field;
    }
}
