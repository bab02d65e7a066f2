package dev.fourways.error;

/**
 * No connection could be had from the pool within its connection timeout (HikariCP's
 * {@code connectionTimeout}): every connection was in use. No SQL was sent. Retryable
 * ({@link TransientStoreException}) once load drops; if it persists, the pool is too small or
 * something holds connections (an unclosed {@code streamAll} stream).
 */
public class PoolExhaustedException extends TransientStoreException {

    public PoolExhaustedException(String message, Throwable cause) {
        super(message, cause);
    }
}
