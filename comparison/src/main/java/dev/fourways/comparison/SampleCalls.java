package dev.fourways.comparison;

import dev.fourways.UserStore;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChange;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * One call of every operation with valid arguments, on a small seeded database, for the SQL
 * capture. Every value is fixed (no clock, no randomness), so that a capture on a fresh database
 * sends the same SQL with the same parameters every time and the staleness test can compare it.
 *
 * <p>This is the one table a new {@code UserStore} operation needs an entry in; the pages, the
 * index and the capture find the operation by themselves. An operation without an entry fails the
 * generator with a message that says so ({@link #of}).
 */
public final class SampleCalls {

    /** The instant the seed data starts from: every created_at and placed_at is after it. */
    public static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
    /** Seeded users: few, so a page's parameters stay readable. */
    static final int USERS = 12;
    /** Purchases of each of the first half of the seeded users. */
    static final int PURCHASES = 3;

    /** One call of an operation: the store's answer is discarded (a stream is consumed and closed). */
    @FunctionalInterface
    public interface Call {

        /**
         * @param store the store being captured
         * @param data  the seeded data and fresh rows
         * @param n     0 for the warm-up call, 1 for the captured one: writes use it to make new values
         */
        void on(UserStore store, Seed data, int n);
    }

    private static final Map<String, Call> CALLS = Map.ofEntries(
            Map.entry("create", (s, d, n) -> s.create(d.newUser("created" + n))),
            Map.entry("createAll", (s, d, n) -> s.createAll(List.of(d.newUser("batcha" + n), d.newUser("batchb" + n),
                    d.newUser("batchc" + n)))),
            Map.entry("findById", (s, d, n) -> s.findById(d.ids().get(n))),
            Map.entry("findByUsername", (s, d, n) -> s.findByUsername("user0" + n)),
            Map.entry("count", (s, d, n) -> s.count()),
            Map.entry("page", (s, d, n) -> s.page(1, 3)),
            Map.entry("listAfter", (s, d, n) -> s.listAfter("user05", 3)),
            Map.entry("search", (s, d, n) -> s.search(UserQuery.builder().usernameContains("user").emailDomain("seed.test")
                    .minPurchases(1).limit(3).build())),
            Map.entry("streamAll", (s, d, n) -> {
                try (var users = s.streamAll()) {
                    users.forEach(u -> { });
                }
            }),
            Map.entry("changeEmail", (s, d, n) -> {
                User before = d.current(d.ids().get(2));
                s.changeEmail(before.id(), before.version(), "changed" + n + "@seed.test");
            }),
            Map.entry("delete", (s, d, n) -> s.delete(d.freshUserWithPurchases("deleted" + n))),
            Map.entry("addPurchase", (s, d, n) -> s.addPurchase(d.ids().get(3),
                    new NewPurchase(new BigDecimal("12.50"), PurchaseStatus.NEW, BASE.plus(100 + n, ChronoUnit.DAYS)))),
            Map.entry("findWithPurchases", (s, d, n) -> s.findWithPurchases(d.ids().get(0))),
            Map.entry("findPurchase", (s, d, n) -> s.findPurchase(d.purchaseId(d.ids().get(1)))),
            Map.entry("pageWithPurchases", (s, d, n) -> s.pageWithPurchases(0, 2)),
            Map.entry("cancelPurchasesPlacedBefore", (s, d, n) -> s.cancelPurchasesPlacedBefore(BASE.plus(2, ChronoUnit.DAYS))),
            Map.entry("topSpenders", (s, d, n) -> s.topSpenders(BASE, 3)),
            Map.entry("mergeUsers", (s, d, n) -> s.mergeUsers(d.freshUserWithPurchases("kept" + n),
                    d.freshUserWithPurchases("merged" + n))),
            // The update path, the one that differs most between databases (the insert path is create's SQL with a clause).
            Map.entry("upsert", (s, d, n) -> s.upsert(new NewUser("user04", "upserted" + n + "@seed.test", "User 4",
                    BASE.plus(4, ChronoUnit.HOURS)))),
            Map.entry("claimPaidPurchases", (s, d, n) -> s.claimPaidPurchases(2)),
            // A graph insert: a new user with two purchases.
            Map.entry("createWithPurchases", (s, d, n) -> s.createWithPurchases(d.newUser("graph" + n), List.of(
                    new NewPurchase(new BigDecimal("5.00"), PurchaseStatus.NEW, BASE.plus(40, ChronoUnit.DAYS)),
                    new NewPurchase(new BigDecimal("7.50"), PurchaseStatus.PAID, BASE.plus(41, ChronoUnit.DAYS))))),
            // The peers' "add two, update two, delete one", on a fresh user's three purchases.
            Map.entry("changePurchases", (s, d, n) -> {
                UserWithPurchases target = d.currentWithPurchases(d.freshUserWithPurchases("reshaped" + n));
                List<Purchase> owned = target.purchases();
                s.changePurchases(target.user().id(), target.user().version(), new PurchaseChanges(
                        List.of(new NewPurchase(new BigDecimal("1.25"), PurchaseStatus.NEW, BASE.plus(50, ChronoUnit.DAYS)),
                                new NewPurchase(new BigDecimal("2.50"), PurchaseStatus.NEW, BASE.plus(51, ChronoUnit.DAYS))),
                        List.of(new PurchaseChange(owned.get(0).id(), new BigDecimal("11.00"), PurchaseStatus.SHIPPED),
                                new PurchaseChange(owned.get(1).id(), new BigDecimal("12.00"), PurchaseStatus.PAID)),
                        List.of(owned.get(2).id())));
            }),
            // A small request: read a user twice, then change it, in one unit of work.
            Map.entry("inUnitOfWork", (s, d, n) -> s.inUnitOfWork(unit -> {
                User read = unit.findById(d.ids().get(1)).orElseThrow();
                unit.findById(read.id());
                return unit.changeEmail(read.id(), read.version(), "unit" + n + "@seed.test");
            })));

    private SampleCalls() {
    }

    /**
     * Checks, before anything is captured, that every operation has a sample call, so that a
     * contract that grew by several operations fails once, naming all of them.
     *
     * @param operations the contract's operations ({@link ContractReader#operations})
     * @throws IllegalStateException naming each operation without a call, its signature, where to add
     *                               the call, and that {@code --pages-only} still writes the pages
     */
    public static void requireAll(List<Operation> operations) {
        List<Operation> missing = operations.stream().filter(o -> !CALLS.containsKey(o.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("cannot capture the SQL: ").append(missing.size())
                .append(missing.size() == 1 ? " operation of UserStore has" : " operations of UserStore have")
                .append(" no sample call:");
        missing.forEach(o -> message.append("\n  ").append(o.signature()));
        message.append("\nAdd one entry per operation to CALLS in "
                        + "comparison/src/main/java/dev/fourways/comparison/SampleCalls.java: a call with valid arguments "
                        + "on the seeded data (Seed), the same on every run, then run ").append(Generate.COMMAND)
                .append(" again. Until then ").append(Generate.COMMAND)
                .append(" --pages-only writes the pages from the committed captures, and these operations' pages say "
                        + "\"not captured\".");
        throw new IllegalStateException(message.toString());
    }

    /**
     * @return the call for the operation
     * @throws IllegalStateException when the table has no call for it: name the operation and the fix
     */
    public static Call of(String operation) {
        Call call = CALLS.get(operation);
        if (call == null) {
            throw new IllegalStateException("UserStore." + operation + " has no sample call: add one to "
                    + "comparison/src/main/java/dev/fourways/comparison/SampleCalls.java (CALLS), then regenerate "
                    + "the pages (" + Generate.COMMAND + ")");
        }
        return call;
    }

    /**
     * The seeded rows, written by the JDBC reference store on the raw pool (never captured).
     *
     * @param ids       the seeded users' ids, in username order ({@code user00}, {@code user01}, ...)
     * @param reference the reference store on the raw pool, for fresh rows and current versions
     */
    public record Seed(List<Long> ids, UserStore reference) implements AutoCloseable {

        /** Seeds {@value #USERS} users, the first half with {@value #PURCHASES} purchases each. */
        public static Seed on(DataSource raw) {
            UserStore reference = new JdbcUserStoreProvider().open(raw);
            List<Long> ids = IntStream.range(0, USERS)
                    .mapToObj(i -> reference.create(new NewUser(String.format("user%02d", i), String.format("user%02d@seed.test", i),
                            i % 3 == 0 ? null : "User " + i, BASE.plus(i, ChronoUnit.HOURS))).id())
                    .toList();
            Seed seed = new Seed(ids, reference);
            for (int i = 0; i < USERS / 2; i++) {
                seed.addPurchases(ids.get(i), i);
            }
            return seed;
        }

        /** A user nobody has created yet, created at a fixed instant. */
        public NewUser newUser(String username) {
            return new NewUser(username, username + "@seed.test", null, BASE.plus(30, ChronoUnit.DAYS));
        }

        /** Creates a user with purchases outside the captured store, for the writes that use one up. */
        public long freshUserWithPurchases(String username) {
            long id = reference.create(newUser(username)).id();
            addPurchases(id, 7);
            return id;
        }

        /** The id of the first purchase (by placedAt) of a seeded user who has some. */
        public long purchaseId(long userId) {
            return reference.findWithPurchases(userId).orElseThrow().purchases().get(0).id();
        }

        /** The user and their purchases as stored now. */
        public UserWithPurchases currentWithPurchases(long id) {
            return reference.findWithPurchases(id).orElseThrow();
        }

        /** The user as stored now (its current version). */
        public User current(long id) {
            return reference.findById(id).orElseThrow();
        }

        private void addPurchases(long userId, int salt) {
            Function<Integer, NewPurchase> purchase = p -> new NewPurchase(new BigDecimal(10 + salt + p + ".25"),
                    p == 0 ? PurchaseStatus.PAID : PurchaseStatus.NEW, BASE.plus(salt + p, ChronoUnit.DAYS));
            for (int p = 0; p < PURCHASES; p++) {
                reference.addPurchase(userId, purchase.apply(p));
            }
        }

        @Override
        public void close() {
            reference.close();
        }
    }
}
