package dev.fourways.error;

/**
 * A statement ran longer than the store's statement timeout
 * ({@link dev.fourways.StoreSettings#statementTimeout()}) and the database cancelled it; the store
 * rolled back the call's transaction. Retryable ({@link TransientStoreException}) when the delay
 * was a lock held by someone else; a statement that is always too slow will time out again.
 */
public class StatementTimeoutException extends TransientStoreException {

    public StatementTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
