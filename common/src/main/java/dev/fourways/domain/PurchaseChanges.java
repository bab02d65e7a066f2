package dev.fourways.domain;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What one {@code UserStore.changePurchases} call does to a user's purchases, all at once: the
 * peers' "add two, update two, delete one" on a one-to-many relation. Validated here, once, for
 * every style, so no SQL is sent for a list that could not be applied.
 *
 * @param add    new purchases for the user; unmodifiable, possibly empty
 * @param change new amounts and statuses of purchases the user has; each purchase id at most once
 * @param remove ids of purchases the user has, to delete; each at most once, and none also in
 *               {@code change}
 */
public record PurchaseChanges(List<NewPurchase> add, List<PurchaseChange> change, List<Long> remove) {

    /** At most this many children in one call (adds, changes and removes together). */
    public static final int MAX_CHILDREN = 1000;

    /**
     * @throws IllegalArgumentException naming {@code add}, {@code change} or {@code remove} (with
     *                                  the index, for a null element), when a list is null or holds
     *                                  null, when an id repeats or is both changed and removed, or
     *                                  when there are more than {@link #MAX_CHILDREN} children
     */
    public PurchaseChanges {
        add = List.copyOf(Validation.requireEach("add", add));
        change = List.copyOf(Validation.requireEach("change", change));
        remove = List.copyOf(Validation.requireEach("remove", remove));
        Set<Long> changed = new HashSet<>();
        for (PurchaseChange c : change) {
            if (!changed.add(c.purchaseId())) {
                throw Validation.invalid("change", "names purchase " + c.purchaseId() + " more than once");
            }
        }
        Set<Long> removed = new HashSet<>();
        for (long id : remove) {
            if (!removed.add(id)) {
                throw Validation.invalid("remove", "names purchase " + id + " more than once");
            }
            if (changed.contains(id)) {
                throw Validation.invalid("remove", "names purchase " + id + ", which change also names");
            }
        }
        int children = add.size() + change.size() + remove.size();
        if (children > MAX_CHILDREN) {
            throw Validation.invalid("add", "with change and remove, at most " + MAX_CHILDREN
                    + " purchases per call, was " + children);
        }
    }

    /**
     * The first purchase this names (to change, then to remove) that is not among {@code owned}:
     * what a store checks against the user's purchases it read, before it writes anything.
     *
     * @param owned the user's purchases as stored
     * @return the id of the first one missing, or an empty {@code Optional} when all are there
     */
    public Optional<Long> firstNotAmong(Collection<Purchase> owned) {
        Set<Long> ids = new HashSet<>();
        owned.forEach(p -> ids.add(p.id()));
        return Stream.concat(change.stream().map(PurchaseChange::purchaseId), remove.stream())
                .filter(id -> !ids.contains(id)).findFirst();
    }

    /**
     * The user's purchases after these changes, for a store that knows what it read and what it
     * wrote, so it need not read them again.
     *
     * @param owned the user's purchases as read before the changes (each purchase this names is among them)
     * @param added the purchases the store stored for {@link #add}, with their new ids
     * @return {@code owned} without the removed ones, with the changed ones changed, plus {@code added},
     *         in {@link UserWithPurchases#ORDER}
     */
    public List<Purchase> applyTo(Collection<Purchase> owned, List<Purchase> added) {
        Map<Long, PurchaseChange> changes = new HashMap<>();
        change.forEach(c -> changes.put(c.purchaseId(), c));
        Set<Long> removed = new HashSet<>(remove);
        return Stream.concat(owned.stream().filter(p -> !removed.contains(p.id()))
                                .map(p -> changes.containsKey(p.id()) ? changes.get(p.id()).applyTo(p) : p),
                        added.stream())
                .sorted(UserWithPurchases.ORDER).toList();
    }

    /** No change at all: applying it still bumps the user's version (a write that changes nothing is a write). */
    public static PurchaseChanges none() {
        return new PurchaseChanges(List.of(), List.of(), List.of());
    }

    /** Only additions. */
    public static PurchaseChanges adding(List<NewPurchase> add) {
        return new PurchaseChanges(add, List.of(), List.of());
    }
}
