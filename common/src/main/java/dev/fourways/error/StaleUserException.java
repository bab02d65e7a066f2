package dev.fourways.error;

/**
 * The optimistic lock failed: the user was changed by someone else since the caller read it, so
 * its version is no longer the one the caller expected. Read the user again and retry.
 */
public class StaleUserException extends StoreException {

    private final long userId;
    private final long expectedVersion;

    public StaleUserException(long userId, long expectedVersion, Throwable cause) {
        super("user " + userId + " is no longer at version " + expectedVersion, cause);
        this.userId = userId;
        this.expectedVersion = expectedVersion;
    }

    public long userId() {
        return userId;
    }

    public long expectedVersion() {
        return expectedVersion;
    }
}
