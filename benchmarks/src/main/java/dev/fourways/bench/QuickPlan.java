package dev.fourways.bench;

import java.util.Set;

/**
 * How long quick mode ({@code ./compare}) warms up and measures one benchmark in a style's warm JVM.
 * Most benchmarks take 12 × 500 ms of warm-up and 10 × 250 ms of measurement. Two kinds get more,
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

    /** The plan of a contention benchmark, by its method ({@link RunSettings#CLAIMS_METHOD} or {@link RunSettings#UPSERTS_METHOD}). */
    static QuickPlan ofContention(String method) {
        return RunSettings.UPSERTS_METHOD.equals(method) ? UPSERTS : CLAIMS;
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

    /** For the report's environment table. */
    static String describe() {
        return ("every benchmark %d × %s warm-up and %d × %s measured, except topSpenders, createAll and createWithPurchases (%d × %s, then %d × %s) "
                + "and the batch-mode writes (%d warm-up batches of %d calls, %d measured)")
                .formatted(COMMON.warmups, COMMON.warmupTime, COMMON.measurements, COMMON.measurementTime,
                        SLOW_CALLS.warmups, SLOW_CALLS.warmupTime, SLOW_CALLS.measurements, SLOW_CALLS.measurementTime,
                        BATCHES.warmups, DestructiveWriteBenchmarks.BATCH, BATCHES.measurements);
    }
}
