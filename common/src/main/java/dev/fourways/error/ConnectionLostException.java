package dev.fourways.error;

/**
 * The connection broke during the call: the server ended the session (a restart, a failover, an
 * administrator's kill) or the network failed. Whatever the call's transaction had done is rolled
 * back by the server; a retry gets a fresh connection from the pool. Retryable
 * ({@link TransientStoreException}); a write that was in autocommit may, rarely, have committed
 * just before the connection broke, so a retried insert can meet its own row as a duplicate.
 */
public class ConnectionLostException extends TransientStoreException {

    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
