package dev.fourways.error;

/**
 * The operation names a purchase that the user does not have: no purchase with that id, or one
 * that belongs to another user. Nothing was written.
 */
public class PurchaseNotFoundException extends StoreException {

    private final long userId;
    private final long purchaseId;

    public PurchaseNotFoundException(long userId, long purchaseId) {
        super("user " + userId + " has no purchase with id " + purchaseId, null);
        this.userId = userId;
        this.purchaseId = purchaseId;
    }

    /** The user whose purchases were being changed. */
    public long userId() {
        return userId;
    }

    /** The id that is not one of that user's purchases. */
    public long purchaseId() {
        return purchaseId;
    }
}
