package dev.fourways.declarative;

import dev.fourways.error.SqlErrorTranslator;
import dev.fourways.error.StoreException;
import jakarta.persistence.OptimisticLockException;
import java.sql.SQLException;
import org.hibernate.JDBCException;
import org.hibernate.StaleStateException;

/**
 * Translates what Hibernate throws into the contract's exceptions. Hibernate wraps every
 * {@link SQLException} in a {@link JDBCException} (a {@code ConstraintViolationException} for a
 * unique or foreign key violation), sometimes inside a JPA exception; the shared
 * {@link SqlErrorTranslator} reads the SQLException underneath, so Hibernate raises the same
 * {@code DuplicateUserException} or {@code UserNotFoundException} as every other style.
 * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#persistence-operations
 */
final class HibernateErrors {

    private HibernateErrors() {
    }

    /**
     * @param operation the store method, for the message
     * @param failure   what Hibernate threw (kept as the cause)
     * @return the contract's exception; a {@link StoreException} when nothing more precise applies
     */
    static StoreException translate(String operation, RuntimeException failure) {
        if (failure instanceof StoreException known) {
            return known;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JDBCException jdbc) {
                return SqlErrorTranslator.translate(operation, failure, jdbc.getSQLException());
            }
            if (t instanceof SQLException sql) {
                return SqlErrorTranslator.translate(operation, failure, sql);
            }
        }
        return new StoreException(operation + " failed: " + failure.getMessage(), failure);
    }

    /**
     * True when an update or delete guarded by {@code @Version} matched no row: Hibernate's
     * {@link StaleStateException} (a {@code StaleObjectStateException} for an entity), which the
     * JPA operations report as an {@link OptimisticLockException}.
     */
    static boolean isOptimisticLockFailure(RuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StaleStateException || t instanceof OptimisticLockException) {
                return true;
            }
        }
        return false;
    }
}
