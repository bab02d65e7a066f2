package dev.fourways.error;

/**
 * The database gave up on this call's transaction because of a concurrent one: it was chosen as
 * a deadlock's victim, it failed serialisation, or it waited too long for a row lock. The
 * database has rolled the transaction back (MariaDB's lock wait timeout rolls back only the
 * statement, and the store then rolls back the rest), so nothing of the call is written.
 * Retryable ({@link TransientStoreException}).
 */
public class TransactionConflictException extends TransientStoreException {

    /** Which conflict the database reported. */
    public enum Kind {
        /** PostgreSQL 40P01, MariaDB 1213, H2 40001: two transactions waited for each other. */
        DEADLOCK,
        /** PostgreSQL and MariaDB SQLState 40001 without a deadlock, H2 90131: a concurrent update won. */
        SERIALIZATION_FAILURE,
        /** PostgreSQL 55P03, MariaDB 1205, H2 50200: a row lock was not granted in time. */
        LOCK_TIMEOUT
    }

    private final Kind kind;

    public TransactionConflictException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** @return which conflict the database reported */
    public Kind kind() {
        return kind;
    }
}
