package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one list of benchmarked operations: each one's name (the JMH benchmark method and the
 * report's row), its family (the report's table and chart), the benchmark class that times it,
 * how many calls the {@link FairnessCheck} compares with jdbc's, and how to call it once on a
 * {@code UserStore}. {@link Report}, {@link Charts}, {@link Compare} (which benchmarks to run, in
 * which order), {@link StatementCensus} and {@link FairnessCheck} all read this list.
 *
 * <p>The JMH benchmark methods are not generated from it: JMH needs plain annotated methods, and
 * they stay as they were rather than one-liners calling {@link Operation#call()}, so the timed
 * code is exactly the code the sample report measured (no extra indirection inside the
 * measurement, and the write benchmarks keep their own per-iteration state: versions, targets,
 * windows, which a census call does not need). Instead {@code OperationsTest} fails when JMH's
 * benchmark list and this list differ in either direction, and when a read benchmark asks the
 * store something else than {@link Operation#call()} asks for the same call number.
 */
final class Operations {

    private Operations() {
    }

    /**
     * A family of operations: one table and one chart in the report.
     *
     * @param id    the chart's file-name part ({@code chart-<id>-<run>.png})
     * @param title the report's section title
     * @param note  the paragraph under the title (Markdown)
     */
    record Family(String id, String title, String note) {

        /** The names of this family's operations, in report order. */
        List<String> operations() {
            return ALL.stream().filter(o -> o.family().equals(this)).map(Operation::name).toList();
        }
    }

    /** What a call needs besides the store: the workload's arguments, and fresh rows for writes that use them up. */
    interface Arguments {

        /** The seeded data's arguments (ids, pages, search terms...), by call number. */
        Workload workload();

        /** A user nobody has created yet (a new username and e-mail each time). */
        NewUser newUser();

        /** The id of a user with {@value DataSet#PURCHASES_PER_USER} purchases, created just now outside the store being called. */
        long freshUserWithPurchases();

        /** The user with this id as stored now (its current version), read outside the store being called. */
        User current(long id);

        /** The user with this id and their purchases as stored now, read outside the store being called. */
        UserWithPurchases currentWithPurchases(long id);
    }

    /** One call of an operation. */
    @FunctionalInterface
    interface Call {

        /**
         * Calls the operation once.
         *
         * @param store     the store being asked
         * @param arguments where the arguments come from
         * @param k         the call number: reads draw their arguments from the workload's sequence with it
         * @return the store's answer (a list for {@code streamAll}, every user read), for comparing with jdbc's
         */
        Object on(UserStore store, Arguments arguments, int k);
    }

    /**
     * One benchmarked operation.
     *
     * @param name          the JMH benchmark method, named after the {@code UserStore} operation
     * @param family        its family in the report
     * @param benchmark     the JMH class whose method {@code name} times it
     * @param fairnessCalls how many calls ({@code k = 0, 1, ...}) the fairness check compares with
     *                      jdbc's answers: 3 for reads whose arguments vary with the call, 1 for reads
     *                      without arguments, 0 for writes (they change the data)
     * @param call          how to call it once, as the census and the fairness check do; for reads
     *                      the same store call, with the same arguments for the same {@code k}, as the
     *                      benchmark method
     */
    record Operation(String name, Family family, Class<? extends StoreBenchmark> benchmark, int fairnessCalls, Call call) {

        /** {@code Class.method}, as JMH's include patterns and {@link QuickPlan} name a benchmark. */
        String benchmarkName() {
            return benchmark.getSimpleName() + "." + name;
        }
    }

    static final Family LOOKUPS = new Family("lookups", "Lookups: one row",
            "The per-call overhead of a style: the database does almost nothing.");
    static final Family LISTINGS = new Family("listings", "Listings: many rows",
            "Mapping cost per row; `pageDeep` against `listAfterDeep` shows what offset paging costs "
                    + "(both return the same 20 users, 90 % of the way through).");
    static final Family GRAPHS = new Family("graphs", "Users with purchases, and an aggregate",
            "Joins and nested mapping (a user and 10 purchases; 20 users and 200 purchases), and a "
                    + "group-by where the database does the work.");
    static final Family WRITES = new Family("writes", "Writes",
            "`createAll` inserts 1,000 users per call; `createWithPurchases` one user with 10 purchases; "
                    + "`changePurchases` adds two of a user's 10 purchases, changes two and removes one. `delete`, "
                    + "`mergeUsers`, `changePurchases` and `cancelPurchasesPlacedBefore` run in batches of fresh targets (JMH batch mode); "
                    + "their B/op is not shown because the GC profiler would include the batch's setup.");

    /** The families, in report order. */
    static final List<Family> FAMILIES = List.of(LOOKUPS, LISTINGS, GRAPHS, WRITES);

    /** Reads whose arguments change with every call: the fairness check compares this many calls. */
    private static final int VARYING = 3;

    /** Every operation, in report order (family by family). */
    static final List<Operation> ALL = List.of(
            new Operation("findById", LOOKUPS, LookupBenchmarks.class, VARYING, (s, a, k) -> a.workload().findById(s, k)),
            new Operation("findByUsername", LOOKUPS, LookupBenchmarks.class, VARYING,
                    (s, a, k) -> a.workload().findByUsername(s, k)),
            new Operation("count", LOOKUPS, LookupBenchmarks.class, 1, (s, a, k) -> a.workload().count(s)),
            new Operation("pageShallow", LISTINGS, ListingBenchmarks.class, VARYING,
                    (s, a, k) -> a.workload().pageShallow(s, k)),
            new Operation("pageDeep", LISTINGS, ListingBenchmarks.class, VARYING, (s, a, k) -> a.workload().pageDeep(s, k)),
            new Operation("listAfterDeep", LISTINGS, ListingBenchmarks.class, VARYING,
                    (s, a, k) -> a.workload().listAfterDeep(s, k)),
            new Operation("search", LISTINGS, ListingBenchmarks.class, VARYING, (s, a, k) -> a.workload().search(s, k)),
            new Operation("streamAll", LISTINGS, ListingBenchmarks.class, 1, (s, a, k) -> {
                List<User> all = new ArrayList<>();
                a.workload().streamAll(s, all::add);
                return all;
            }),
            new Operation("findWithPurchases", GRAPHS, GraphBenchmarks.class, VARYING,
                    (s, a, k) -> a.workload().findWithPurchases(s, k)),
            new Operation("findPurchase", GRAPHS, GraphBenchmarks.class, VARYING,
                    (s, a, k) -> a.workload().findPurchase(s, k)),
            new Operation("pageWithPurchases", GRAPHS, GraphBenchmarks.class, VARYING,
                    (s, a, k) -> a.workload().pageWithPurchases(s, k)),
            new Operation("topSpenders", GRAPHS, GraphBenchmarks.class, VARYING, (s, a, k) -> a.workload().topSpenders(s, k)),
            new Operation("create", WRITES, WriteBenchmarks.class, 0, (s, a, k) -> s.create(a.newUser())),
            new Operation("createAll", WRITES, BulkInsertBenchmark.class, 0,
                    (s, a, k) -> s.createAll(Stream.generate(a::newUser).limit(BulkInsertBenchmark.BATCH).toList())),
            new Operation("changeEmail", WRITES, WriteBenchmarks.class, 0, (s, a, k) -> {
                User before = a.current(a.workload().data().id(a.workload().pick(k)));
                return s.changeEmail(before.id(), before.version(), a.newUser().email());
            }),
            new Operation("createWithPurchases", WRITES, WriteBenchmarks.class, 0,
                    (s, a, k) -> s.createWithPurchases(a.newUser(), AggregateShapes.purchases(k))),
            new Operation("changePurchases", WRITES, DestructiveWriteBenchmarks.class, 0, (s, a, k) -> {
                UserWithPurchases target = a.currentWithPurchases(a.freshUserWithPurchases());
                return s.changePurchases(target.user().id(), target.user().version(),
                        AggregateShapes.addTwoChangeTwoRemoveOne(target.purchases(), k));
            }),
            new Operation("delete", WRITES, DestructiveWriteBenchmarks.class, 0, (s, a, k) -> s.delete(a.freshUserWithPurchases())),
            new Operation("mergeUsers", WRITES, DestructiveWriteBenchmarks.class, 0,
                    (s, a, k) -> s.mergeUsers(a.freshUserWithPurchases(), a.freshUserWithPurchases())),
            new Operation("cancelPurchasesPlacedBefore", WRITES, DestructiveWriteBenchmarks.class, 0,
                    (s, a, k) -> s.cancelPurchasesPlacedBefore(DataSet.BASE.plus(30, ChronoUnit.DAYS))),
            // Even calls take upsert's update path (a seeded user's username, a fresh e-mail), odd
            // calls its insert path (a new user).
            new Operation("upsert", WRITES, WriteBenchmarks.class, 0, (s, a, k) -> {
                if (k % 2 == 1) {
                    return s.upsert(a.newUser());
                }
                User before = a.current(a.workload().data().id(a.workload().pick(k)));
                return s.upsert(new NewUser(before.username(), a.newUser().email(), before.displayName(), before.createdAt()));
            }),
            // Uses up PAID purchases, so it runs among the destructive writes.
            new Operation("claimPaidPurchases", WRITES, DestructiveWriteBenchmarks.class, 0,
                    (s, a, k) -> s.claimPaidPurchases(10)));

    /**
     * The query-cost benchmark classes, in run order (the order of their first operation in
     * {@link #ALL}); {@link Compare} runs them and {@code QuickPlanTest} checks their plans.
     */
    static final List<Class<? extends StoreBenchmark>> BENCHMARK_CLASSES =
            ALL.stream().<Class<? extends StoreBenchmark>>map(Operation::benchmark).distinct().toList();

    /**
     * Arguments for reads only, as the fairness check asks them.
     *
     * @throws UnsupportedOperationException from the write arguments: the fairness check asks no write
     */
    static Arguments readsOf(Workload workload) {
        return new Arguments() {
            @Override
            public Workload workload() {
                return workload;
            }

            @Override
            public NewUser newUser() {
                throw new UnsupportedOperationException("reads only");
            }

            @Override
            public long freshUserWithPurchases() {
                throw new UnsupportedOperationException("reads only");
            }

            @Override
            public User current(long id) {
                throw new UnsupportedOperationException("reads only");
            }

            @Override
            public UserWithPurchases currentWithPurchases(long id) {
                throw new UnsupportedOperationException("reads only");
            }
        };
    }
}
