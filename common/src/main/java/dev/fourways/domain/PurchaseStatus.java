package dev.fourways.domain;

/** The life cycle of a purchase; stored as its name in {@code purchases.status}. */
public enum PurchaseStatus {
    NEW, PAID, SHIPPED, CANCELLED
}
