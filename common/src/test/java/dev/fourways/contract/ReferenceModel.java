package dev.fourways.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fourways.UserStore;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChange;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.PurchaseNotFoundException;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A trusted, in-memory model of the contract: what a store must hold after a sequence of
 * operations (every write of {@code UserStore}: create, createAll, changeEmail, delete,
 * addPurchase, mergeUsers, cancelPurchasesPlacedBefore, upsert, claimPaidPurchases, createWithPurchases
 * and changePurchases). {@link #applyRandom} performs one random operation on the store and on the model
 * and checks that the store answered what the model predicts.
 */
final class ReferenceModel {

    private static final int NAMES = 25;

    private final TreeMap<Long, User> users = new TreeMap<>();
    private final Map<Long, List<Purchase>> purchases = new HashMap<>();
    private int freshEmails;

    long count() {
        return users.size();
    }

    List<User> usersById() {
        return List.copyOf(users.values());
    }

    List<User> usersByUsername() {
        return users.values().stream().sorted(Comparator.comparing(User::username)).toList();
    }

    List<Purchase> purchasesOf(long userId) {
        return purchases.getOrDefault(userId, List.of()).stream()
                .sorted(Comparator.comparing(Purchase::placedAt).thenComparingLong(Purchase::id)).toList();
    }

    List<SpenderSummary> topSpenders(Instant since) {
        List<SpenderSummary> rows = new ArrayList<>();
        for (User u : users.values()) {
            List<Purchase> counted = purchases.getOrDefault(u.id(), List.of()).stream()
                    .filter(p -> !p.placedAt().isBefore(since) && p.status() != PurchaseStatus.CANCELLED).toList();
            if (!counted.isEmpty()) {
                rows.add(new SpenderSummary(u.id(), u.username(), counted.size(),
                        counted.stream().map(Purchase::amount).reduce(BigDecimal.ZERO, BigDecimal::add)));
            }
        }
        rows.sort(Comparator.comparing(SpenderSummary::total).reversed().thenComparing(SpenderSummary::username));
        return rows;
    }

    /** @return what was done, for failure messages */
    String applyRandom(UserStore store, Random random, Instant now) {
        return switch (random.nextInt(12)) {
            case 10 -> createWithPurchases(store, random, now);
            case 11 -> changePurchases(store, random, now);
            case 0, 1 -> create(store, random, now);
            case 2 -> createAll(store, random, now);
            case 3 -> changeEmail(store, random);
            case 4 -> delete(store, random);
            case 5, 6 -> addPurchase(store, random, now);
            case 7 -> random.nextBoolean() ? merge(store, random) : cancel(store, now);
            case 8 -> upsert(store, random, now);
            default -> claim(store, random);
        };
    }

    /** Inserts a new username, or updates e-mail and display name of the existing one; a clashing e-mail writes nothing. */
    private String upsert(UserStore store, Random random, Instant now) {
        NewUser candidate = candidate(random, now);
        User existing = users.values().stream().filter(u -> u.username().equals(candidate.username())).findFirst()
                .orElse(null);
        boolean emailTaken = users.values().stream()
                .anyMatch(u -> u.email().equals(candidate.email()) && !u.username().equals(candidate.username()));
        if (emailTaken) {
            assertThatThrownBy(() -> store.upsert(candidate)).isInstanceOfSatisfying(DuplicateUserException.class,
                    e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.EMAIL));
            return "upsert " + candidate.username() + " with a taken e-mail";
        }
        User stored = store.upsert(candidate);
        User expected = existing == null ? candidate.toUser(stored.id())
                : new User(existing.id(), existing.username(), candidate.email(), candidate.displayName(),
                        existing.createdAt(), existing.version() + 1);
        assertThat(stored).isEqualTo(expected);
        users.put(expected.id(), expected);
        return (existing == null ? "upsert (insert) " : "upsert (update) ") + candidate.username();
    }

    /** Claims the oldest PAID purchases (placedAt, then id); one thread, so nothing is locked and none is skipped. */
    private String claim(UserStore store, Random random) {
        int limit = 1 + random.nextInt(3);
        List<Purchase> expected = purchases.values().stream().flatMap(List::stream)
                .filter(p -> p.status() == PurchaseStatus.PAID)
                .sorted(Comparator.comparing(Purchase::placedAt).thenComparingLong(Purchase::id))
                .limit(limit)
                .map(p -> new Purchase(p.id(), p.userId(), p.amount(), PurchaseStatus.SHIPPED, p.placedAt()))
                .toList();
        assertThat(store.claimPaidPurchases(limit)).as("claimed, oldest first").isEqualTo(expected);
        for (Purchase shipped : expected) {
            List<Purchase> list = purchases.get(shipped.userId());
            list.replaceAll(p -> p.id() == shipped.id() ? shipped : p);
        }
        return "claim " + limit;
    }

    private String create(UserStore store, Random random, Instant now) {
        NewUser candidate = candidate(random, now);
        if (clashes(List.of(candidate))) {
            assertThatThrownBy(() -> store.create(candidate)).isInstanceOf(DuplicateUserException.class);
        } else {
            User created = store.create(candidate);
            assertThat(created).isEqualTo(candidate.toUser(created.id()));
            users.put(created.id(), created);
        }
        return "create " + candidate.username();
    }

    private String createAll(UserStore store, Random random, Instant now) {
        List<NewUser> batch = new ArrayList<>();
        for (int i = 0, n = 2 + random.nextInt(3); i < n; i++) {
            batch.add(candidate(random, now));
        }
        if (clashes(batch)) {
            assertThatThrownBy(() -> store.createAll(batch)).isInstanceOf(DuplicateUserException.class);
        } else {
            for (User u : store.createAll(batch)) {
                users.put(u.id(), u);
            }
        }
        return "createAll " + batch.stream().map(NewUser::username).toList();
    }

    private String changeEmail(UserStore store, Random random) {
        Long id = someId(random);
        if (id == null || random.nextInt(5) == 0) {
            long missing = id == null ? Long.MAX_VALUE - 1 : -id;
            assertThatThrownBy(() -> store.changeEmail(missing, 0, fresh())).isInstanceOf(UserNotFoundException.class);
            return "changeEmail of a missing user";
        }
        User current = users.get(id);
        if (random.nextInt(4) == 0) {
            assertThatThrownBy(() -> store.changeEmail(id, current.version() + 1, fresh()))
                    .isInstanceOf(StaleUserException.class);
            return "changeEmail with a stale version";
        }
        String email = random.nextBoolean() ? fresh() : "m" + random.nextInt(NAMES) + "@model.io";
        boolean takenByOther = users.values().stream().anyMatch(u -> u.id() != id && u.email().equals(email));
        if (takenByOther) {
            assertThatThrownBy(() -> store.changeEmail(id, current.version(), email))
                    .isInstanceOf(DuplicateUserException.class);
        } else {
            User changed = store.changeEmail(id, current.version(), email);
            User expected = new User(id, current.username(), email, current.displayName(), current.createdAt(),
                    current.version() + 1);
            assertThat(changed).isEqualTo(expected);
            users.put(id, expected);
        }
        return "changeEmail " + id + " to " + email;
    }

    private String delete(UserStore store, Random random) {
        Long id = someId(random);
        long target = id == null || random.nextInt(4) == 0 ? Long.MAX_VALUE - 2 : id;
        assertThat(store.delete(target)).isEqualTo(users.containsKey(target));
        users.remove(target);
        purchases.remove(target);
        return "delete " + target;
    }

    private String addPurchase(UserStore store, Random random, Instant now) {
        Long id = someId(random);
        NewPurchase p = new NewPurchase(BigDecimal.valueOf(1 + random.nextInt(50_000), 2),
                PurchaseStatus.values()[random.nextInt(4)], now.minusSeconds(random.nextInt(100)));
        if (id == null) {
            assertThatThrownBy(() -> store.addPurchase(Long.MAX_VALUE - 3, p)).isInstanceOf(UserNotFoundException.class);
            return "addPurchase to a missing user";
        }
        Purchase added = store.addPurchase(id, p);
        assertThat(added).isEqualTo(p.toPurchase(added.id(), id));
        purchases.computeIfAbsent(id, k -> new ArrayList<>()).add(added);
        return "addPurchase to " + id;
    }

    private String createWithPurchases(UserStore store, Random random, Instant now) {
        NewUser candidate = candidate(random, now);
        List<NewPurchase> children = new ArrayList<>();
        for (int i = 0, n = random.nextInt(4); i < n; i++) {
            children.add(randomPurchase(random, now));
        }
        if (clashes(List.of(candidate))) {
            assertThatThrownBy(() -> store.createWithPurchases(candidate, children)).isInstanceOf(DuplicateUserException.class);
            return "createWithPurchases with a taken username or e-mail";
        }
        UserWithPurchases created = store.createWithPurchases(candidate, children);
        User user = candidate.toUser(created.user().id());
        assertThat(created.user()).isEqualTo(user);
        assertThat(created.purchases()).hasSize(children.size())
                .allSatisfy(p -> assertThat(p.userId()).isEqualTo(user.id()));
        users.put(user.id(), user);
        purchases.put(user.id(), new ArrayList<>(created.purchases()));
        assertThat(created.purchases()).isEqualTo(purchasesOf(user.id()));
        return "createWithPurchases " + candidate.username() + " with " + children.size();
    }

    /** Adds, changes and removes some of one user's purchases; a stale version or a foreign purchase writes nothing. */
    private String changePurchases(UserStore store, Random random, Instant now) {
        Long id = someId(random);
        if (id == null) {
            assertThatThrownBy(() -> store.changePurchases(Long.MAX_VALUE - 4, 0, PurchaseChanges.none()))
                    .isInstanceOf(UserNotFoundException.class);
            return "changePurchases of a missing user";
        }
        User before = users.get(id);
        List<Purchase> owned = new ArrayList<>(purchases.getOrDefault(id, List.of()));
        java.util.Collections.shuffle(owned, random);
        int changed = owned.isEmpty() ? 0 : random.nextInt(owned.size() + 1);
        int removed = random.nextInt(owned.size() - changed + 1);
        List<PurchaseChange> change = owned.subList(0, changed).stream()
                .map(p -> new PurchaseChange(p.id(), BigDecimal.valueOf(1 + random.nextInt(50_000), 2),
                        PurchaseStatus.values()[random.nextInt(4)])).toList();
        List<Long> remove = new ArrayList<>(owned.subList(changed, changed + removed).stream().map(Purchase::id).toList());
        List<NewPurchase> add = new ArrayList<>();
        for (int i = 0, n = random.nextInt(3); i < n; i++) {
            add.add(randomPurchase(random, now));
        }
        Long foreign = purchases.entrySet().stream().filter(e -> !e.getKey().equals(id))
                .flatMap(e -> e.getValue().stream()).map(Purchase::id).findAny().orElse(null);
        int fault = random.nextInt(6);
        if (fault == 0) {
            assertThatThrownBy(() -> store.changePurchases(id, before.version() + 1, new PurchaseChanges(add, change, remove)))
                    .isInstanceOf(StaleUserException.class);
            return "changePurchases of " + id + " at a stale version";
        }
        if (fault == 1 && foreign != null) {
            remove.add(foreign);
            assertThatThrownBy(() -> store.changePurchases(id, before.version(), new PurchaseChanges(add, change, remove)))
                    .isInstanceOf(PurchaseNotFoundException.class);
            return "changePurchases of " + id + " naming another user's purchase " + foreign;
        }
        UserWithPurchases after = store.changePurchases(id, before.version(), new PurchaseChanges(add, change, remove));
        User bumped = new User(id, before.username(), before.email(), before.displayName(), before.createdAt(),
                before.version() + 1);
        users.put(id, bumped);
        List<Purchase> now2 = new ArrayList<>(purchases.getOrDefault(id, List.of()));
        now2.removeIf(p -> remove.contains(p.id()));
        for (PurchaseChange c : change) {
            now2.replaceAll(p -> p.id() == c.purchaseId() ? c.applyTo(p) : p);
        }
        Set<Long> known = now2.stream().map(Purchase::id).collect(Collectors.toSet());
        List<Purchase> added = after.purchases().stream().filter(p -> !known.contains(p.id())).toList();
        assertThat(added).as("the added purchases, as given").hasSize(add.size())
                .allSatisfy(p -> assertThat(add).contains(new NewPurchase(p.amount(), p.status(), p.placedAt())));
        now2.addAll(added);
        purchases.put(id, now2);
        assertThat(after).isEqualTo(new UserWithPurchases(bumped, purchasesOf(id)));
        return "changePurchases of " + id + ": +" + add.size() + " ~" + change.size() + " -" + remove.size();
    }

    private static NewPurchase randomPurchase(Random random, Instant now) {
        return new NewPurchase(BigDecimal.valueOf(1 + random.nextInt(50_000), 2),
                PurchaseStatus.values()[random.nextInt(4)], now.minusSeconds(random.nextInt(100)));
    }

    private String merge(UserStore store, Random random) {
        Long keep = someId(random);
        Long remove = someId(random);
        if (keep == null || keep.equals(remove) || remove == null) {
            return "merge skipped";
        }
        User kept = store.mergeUsers(keep, remove);
        User before = users.get(keep);
        User expected = new User(keep, before.username(), before.email(), before.displayName(), before.createdAt(),
                before.version() + 1);
        assertThat(kept).isEqualTo(expected);
        users.put(keep, expected);
        users.remove(remove);
        List<Purchase> moved = purchases.getOrDefault(remove, List.of()).stream()
                .map(p -> new Purchase(p.id(), keep, p.amount(), p.status(), p.placedAt())).toList();
        purchases.remove(remove);
        purchases.computeIfAbsent(keep, k -> new ArrayList<>()).addAll(moved);
        return "merge " + remove + " into " + keep;
    }

    private String cancel(UserStore store, Instant now) {
        Instant cutoff = now.minusSeconds(50);
        int expected = 0;
        for (List<Purchase> list : purchases.values()) {
            for (int i = 0; i < list.size(); i++) {
                Purchase p = list.get(i);
                if (p.placedAt().isBefore(cutoff) && (p.status() == PurchaseStatus.NEW || p.status() == PurchaseStatus.PAID)) {
                    list.set(i, new Purchase(p.id(), p.userId(), p.amount(), PurchaseStatus.CANCELLED, p.placedAt()));
                    expected++;
                }
            }
        }
        assertThat(store.cancelPurchasesPlacedBefore(cutoff)).as("purchases cancelled").isEqualTo(expected);
        return "cancel before " + cutoff;
    }

    private NewUser candidate(Random random, Instant now) {
        int name = random.nextInt(NAMES);
        int email = random.nextInt(4) == 0 ? random.nextInt(NAMES) : name;
        return new NewUser("model" + name, "m" + email + "@model.io", random.nextBoolean() ? "Model " + name : null,
                now.plusNanos(random.nextInt(1_000_000) * 1000L));
    }

    private boolean clashes(List<NewUser> batch) {
        Set<String> usernames = users.values().stream().map(User::username).collect(Collectors.toCollection(HashSet::new));
        Set<String> emails = users.values().stream().map(User::email).collect(Collectors.toCollection(HashSet::new));
        for (NewUser u : batch) {
            if (!usernames.add(u.username()) || !emails.add(u.email())) {
                return true;
            }
        }
        return false;
    }

    private Long someId(Random random) {
        if (users.isEmpty()) {
            return null;
        }
        List<Long> ids = List.copyOf(users.keySet());
        return ids.get(random.nextInt(ids.size()));
    }

    private String fresh() {
        return "fresh" + (freshEmails++) + "@model.io";
    }
}
