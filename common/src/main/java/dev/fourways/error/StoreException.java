package dev.fourways.error;

/**
 * A store operation failed in the database. Unchecked; the cause is the library's own exception
 * (a {@code SQLException}, Hibernate's {@code JDBCException}, jOOQ's {@code DataAccessException}, ...),
 * so nothing the database said is lost.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
