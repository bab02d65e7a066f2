package dev.fourways.bench;

import java.util.Set;

/**
 * How long quick mode ({@code ./compare}) warms up and measures one benchmark in a style's warm JVM.
 * Most benchmarks take 12 × 500 ms of warm-up and 10 × 250 ms of measurement; on a database
 * server every benchmark but the first warms up half as long ({@link #of(String, String, String)}). Two kinds get more,
 * because with the common plan their ratios moved by 10–48 % between two consecutive runs on the
 * same machine (the run-to-run agreement in {@code docs/sample-report/REPORT.md}, commit 2942628):
 *
 * <ul>
 *   <li>calls of milliseconds ({@code topSpenders}, 50–60 ms on H2; {@code createAll}, 4–8 ms;
 *       {@code createWithPurchases}, about 1.5 ms on PostgreSQL):
 *       a 500 ms iteration holds 10–100 calls, so one pause of the machine moves a whole
 *       iteration. They measure 5 × 2 s, after 6 × 1 s of warm-up.</li>
 *   <li>the destructive writes ({@link DestructiveWriteBenchmarks}, batch mode): an iteration is one
 *       batch of {@value DestructiveWriteBenchmarks#BATCH} calls, tens of ms, measured right after
 *       a setup that wrote thousands of rows; 5 batches were too few. They measure 25 batches (the setup
 *       collects its own garbage before each timed batch).</li>
 * </ul>
 *
 * @param warmups        warm-up iterations (batches, for batch-mode benchmarks)
 * @param warmupTime     one warm-up iteration, in JMH's notation ({@code 500ms}, {@code 1s}); ignored in batch mode
 * @param measurements   measured iterations (batches)
 * @param measurementTime one measured iteration; ignored in batch mode
 */
record QuickPlan(int warmups, String warmupTime, int measurements, String measurementTime) {

    /**
     * The plan of most benchmarks: 12 × 500 ms of warm-up, then 10 measured rounds of 250 ms, the
     * same measured time as the earlier 5 × 500 ms in twice the rounds. The styles take turns one
     * iteration each, so a shorter iteration brings the styles' measurements of one round closer
     * in time (a round of five styles: about 1.3 s instead of 2.5 s) on a machine whose speed
     * moved from one second to the next (25 % of the CPU time stolen by the host during the
     * 2026-12-07 runs; jdbc's findById on PostgreSQL 64-129 µs across the iterations of one
     * trial), and the interval rests on 10 samples instead of 5.
     */
    static final QuickPlan COMMON = new QuickPlan(12, "500ms", 10, "250ms");
    static final QuickPlan SLOW_CALLS = new QuickPlan(6, "1s", 5, "2s");
    static final QuickPlan BATCHES = new QuickPlan(12, "500ms", 25, "500ms");
    /**
     * {@link ClaimThroughputBenchmark} at each worker count, in a JVM that has already run the
     * query benchmarks (the claim's code is compiled): 4 × 500 ms warm-up, 5 × 500 ms measured.
     */
    static final QuickPlan CLAIMS = new QuickPlan(4, "500ms", 5, "500ms");
    /**
     * {@link UpsertThroughputBenchmark} at each worker count: 24 × 500 ms warm-up, as in a fresh
     * fork. Measured with JMH's {@code -prof comp} (jdbc, H2, one worker, a fresh JVM): the JIT
     * compilers were busy about 500 ms of every 500 ms iteration for the first 8 s, and the rate
     * rose from 2,300 to 35,000 upserts/s only then; 4 × 500 ms timed the compilers.
     */
    static final QuickPlan UPSERTS = new QuickPlan(UpsertThroughputBenchmark.WARMUP_ITERATIONS, "500ms", 5, "500ms");
    /**
     * {@link RequestBenchmark} at each thread count, in the same warm JVM; the unit-of-work path is
     * new to it (no query benchmark runs one), so twice the claims' warm-up.
     */
    static final QuickPlan REQUESTS = new QuickPlan(8, "500ms", 5, "500ms");

    /**
     * The calls of milliseconds. {@code createWithPurchases} is one on the servers: about 1.5 ms on
     * PostgreSQL, most of it the commit's wait for the WAL flush; with the common plan its 99.9 %
     * interval was 37–109 % of its mean in every style ({@code ./compare --bench
     * 'createWithPurchases|changePurchases' --growth none --db postgresql}, 2026-12-07).
     */
    static final Set<String> SLOW = Set.of("GraphBenchmarks.topSpenders", "BulkInsertBenchmark.createAll",
            "WriteBenchmarks.createWithPurchases");

    /**
     * {@link #UPSERTS} on a database server: 8 × 500 ms of warm-up instead of 24. In quick mode the
     * contention runs come after the per-call {@code upsert}, in the same warm JVM, and on the
     * servers the rate had settled from the first iterations: in the 2026-12-07 samples, the mean
     * of warm-up iterations 5-8 was within 0.10 (log) of iterations 21-24 for every style and
     * worker count on PostgreSQL but one (Jdbi at 16 workers, +0.14, its rate still rising by the
     * same at 9-20), and within 0.13 on MariaDB; on H2, where nothing waits for a network, Hibernate
     * at one worker was still 0.3 away after 20 iterations, so H2 keeps the 24.
     */
    static final QuickPlan UPSERTS_ON_SERVERS = new QuickPlan(8, "500ms", 5, "500ms");

    /**
     * The plan of a contention benchmark, by its method ({@link RunSettings#CLAIMS_METHOD} or
     * {@link RunSettings#UPSERTS_METHOD}), on {@code db} ({@code h2}, {@code postgresql}, {@code mariadb}).
     */
    static QuickPlan ofContention(String method, String db) {
        if (!RunSettings.UPSERTS_METHOD.equals(method)) {
            return CLAIMS;
        }
        return onServer(db) ? UPSERTS_ON_SERVERS : UPSERTS;
    }

    /**
     * The plan for {@code benchmark} in a quick run on {@code db} whose first query benchmark is
     * {@code first}: {@link #of(String)}, with half the warm-up on a database server, except for
     * the first benchmark, which each style's JVM runs cold, right after seeding.
     *
     * <p>Why the servers need less: the warm-up iterations of the 2026-12-07 PostgreSQL and MariaDB
     * samples (each style's jmh.log, every benchmark after the first) show the mean of iterations
     * 5-6 as close to that of 11-12 as iterations 9-10 are, that is, within the iterations' own
     * noise: median |log ratio| 0.053 and 0.061 against 0.037 and 0.049, 90th percentile 0.17 and
     * 0.24 against 0.14 and 0.18. The code still being compiled costs a few µs a call, which a
     * network round trip of 40 µs and more hides. On H2, where a call takes a few µs, iterations
     * 5-6 were still 0.32 (90th percentile) away from 11-12 and the writes needed all 12, so H2
     * keeps the full plan. The first benchmark keeps it everywhere: its iterations carry the
     * whole JVM's compilation (the pool, the driver, the store) and, on the servers, the
     * database's own work after seeding (its warm-up iterations 9-12 were slower than 5-6).
     * The pairs that checked the shorter plan, with a same-day control of both plans:
     * {@code docs/agreement/postgresql-server-plan} and {@code docs/agreement/mariadb-server-plan}.
     */
    static QuickPlan of(String benchmark, String db, String first) {
        QuickPlan plan = of(benchmark);
        return onServer(db) && !benchmark.equals(first) ? plan.withWarmups(plan.warmups / 2) : plan;
    }

    /** Whether {@code db} is a database server reached over the network (not H2 in memory). */
    static boolean onServer(String db) {
        return !"h2".equals(db);
    }

    private QuickPlan withWarmups(int count) {
        return new QuickPlan(count, warmupTime, measurements, measurementTime);
    }

    /** The plan for a benchmark named {@code Class.method}, as {@link Operations.Operation#benchmarkName()} names it. */
    static QuickPlan of(String benchmark) {
        if (benchmark.startsWith(DestructiveWriteBenchmarks.class.getSimpleName() + ".")) {
            return BATCHES;
        }
        return SLOW.contains(benchmark) ? SLOW_CALLS : COMMON;
    }

    /** The plan as one line of {@link StyleWorker}'s protocol (tab-separated, after the include, the result file and the warm-up file). */
    String protocol() {
        return String.join("\t", String.valueOf(warmups), warmupTime, String.valueOf(measurements), measurementTime);
    }

    /** The plan back from {@link #protocol()}'s fields. */
    static QuickPlan parse(String[] fields, int from) {
        return new QuickPlan(Integer.parseInt(fields[from]), fields[from + 1], Integer.parseInt(fields[from + 2]),
                fields[from + 3]);
    }

    /** For the report's environment table: the plans of a quick run on {@code db}. */
    static String describe(String db) {
        String plans = ("every benchmark %d × %s warm-up and %d × %s measured, except topSpenders, createAll and createWithPurchases (%d × %s, then %d × %s) "
                + "and the batch-mode writes (%d warm-up batches of %d calls, %d measured)")
                .formatted(COMMON.warmups, COMMON.warmupTime, COMMON.measurements, COMMON.measurementTime,
                        SLOW_CALLS.warmups, SLOW_CALLS.warmupTime, SLOW_CALLS.measurements, SLOW_CALLS.measurementTime,
                        BATCHES.warmups, DestructiveWriteBenchmarks.BATCH, BATCHES.measurements);
        return onServer(db)
                ? plans + "; on this server every warm-up but the first benchmark's halved (%d, %d, %d), and the upsert contention runs %d × %s warm-up"
                        .formatted(COMMON.warmups / 2, SLOW_CALLS.warmups / 2, BATCHES.warmups / 2, UPSERTS_ON_SERVERS.warmups,
                                UPSERTS_ON_SERVERS.warmupTime)
                : plans;
    }
}
