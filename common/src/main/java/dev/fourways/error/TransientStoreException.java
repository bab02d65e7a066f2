package dev.fourways.error;

/**
 * "Retry this": the database refused the call for a reason that lies outside the call's
 * arguments and may well be gone a moment later (a lost connection, a conflict with a concurrent
 * transaction, a statement timeout, an exhausted pool). The store has rolled back whatever the
 * call had begun, so the same call can simply be repeated, preferably after a short, growing
 * pause. Contrast "fix this": {@link DuplicateUserException}, {@link UserNotFoundException},
 * {@link StaleUserException} (re-read first) and a plain {@link StoreException} will fail again
 * if repeated unchanged.
 *
 * <p>Which SQL states and error codes become which subclass is the table on
 * {@link SqlErrorTranslator}.
 */
public abstract class TransientStoreException extends StoreException {

    protected TransientStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
