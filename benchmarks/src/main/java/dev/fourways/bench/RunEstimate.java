package dev.fourways.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One estimate of the time left for the <em>whole</em> run, across the style JVMs, the start-up
 * forks and the census, so the console says how long everything takes rather than how long the
 * current JVM's JMH run takes (JMH's own "ETA" restarts with every run and is not shown).
 *
 * <p>Each piece of work gets a nominal duration from its plan: a quick-mode benchmark its
 * {@link QuickPlan}'s iterations plus {@value #TRIAL_SECONDS} s of trial setup (a fresh database
 * seeded with 110,000 rows, the fairness check), a batch iteration {@value #BATCH_SECONDS} s,
 * start-up {@value #STARTUP_FORK_SECONDS} s per fork. The time left is the nominal work left,
 * scaled by how fast the nominal work done so far actually went: it starts as a guess from the
 * plans (about 26 min for a quick H2 run with claim throughput; the timed part of one took 25 min 19 s) and follows the machine.
 */
final class RunEstimate {

    static final int TRIAL_SECONDS = 4;
    static final double BATCH_SECONDS = 0.3;
    static final int STARTUP_FORK_SECONDS = 4;
    static final int QUICK_STARTUP_FORKS = 5;
    static final int FULL_STARTUP_FORKS = 10;
    static final int FULL_FORKS = 3;

    private final Compare.Mode mode;
    private final String db;
    private final String first;
    private final double total;
    private final Instant started = Instant.now();
    private double done;

    private RunEstimate(Compare.Mode mode, String db, String first, double total) {
        this.mode = mode;
        this.db = db;
        this.first = first;
        this.total = total;
    }

    /**
     * @param benchmarks the query benchmarks, as {@code Class.method}
     * @param stores     how many styles run each
     * @param startup    whether the start-up benchmark runs
     */
    static RunEstimate of(Compare.Mode mode, String db, List<String> benchmarks, int stores, boolean startup) {
        return of(mode, db, benchmarks, stores, startup, List.of(), 0);
    }

    /**
     * @param contention the contention benchmarks that run, {@link RunSettings#contention()} (each at every worker count)
     * @param requests   how many of {@link RequestBenchmark}'s requests run (each at every thread count)
     */
    static RunEstimate of(Compare.Mode mode, String db, List<String> benchmarks, int stores, boolean startup,
                          List<String> contention, int requests) {
        String first = benchmarks.isEmpty() ? null : benchmarks.get(0);
        double work = benchmarks.stream().mapToDouble(b -> nominalSeconds(mode, b, db, first)).sum() * stores;
        if (startup) {
            work += stores * startupSeconds(mode);
        }
        for (String benchmark : contention) {
            work += stores * ClaimThroughputBenchmark.THREADS.size() * contentionSeconds(mode, benchmark.substring(benchmark.indexOf('.') + 1), db);
        }
        work += stores * requests * RequestBenchmark.THREADS.size() * requestSeconds(mode);
        return new RunEstimate(mode, db, first, work);
    }

    /**
     * The nominal seconds of one contention benchmark of one style at one worker count (a fork per
     * run in full mode).
     *
     * @param method {@link RunSettings#CLAIMS_METHOD} or {@link RunSettings#UPSERTS_METHOD}
     */
    static double contentionSeconds(Compare.Mode mode, String method, String db) {
        boolean upserts = RunSettings.UPSERTS_METHOD.equals(method);
        int warmups = upserts ? UpsertThroughputBenchmark.WARMUP_ITERATIONS : ClaimThroughputBenchmark.WARMUP_ITERATIONS;
        // Full mode: the class's 500 ms iterations, with twice the measured ones (Compare.claimOptions).
        double iterations = 0.5 * (warmups + 2 * ClaimThroughputBenchmark.MEASUREMENT_ITERATIONS);
        QuickPlan plan = QuickPlan.ofContention(method, db);
        return switch (mode) {
            case SMOKE -> 0.5;
            case QUICK -> TRIAL_SECONDS + plan.warmups() * seconds(plan.warmupTime()) + plan.measurements() * seconds(plan.measurementTime());
            case FULL -> FULL_FORKS * (1 + TRIAL_SECONDS + iterations);
        };
    }

    /** The nominal seconds of one request of one style at one thread count. */
    static double requestSeconds(Compare.Mode mode) {
        double iterations = 0.5 * (RequestBenchmark.WARMUP_ITERATIONS + 2 * RequestBenchmark.MEASUREMENT_ITERATIONS);
        return switch (mode) {
            case SMOKE -> 0.5;
            case QUICK -> TRIAL_SECONDS + QuickPlan.REQUESTS.warmups() * seconds(QuickPlan.REQUESTS.warmupTime())
                    + QuickPlan.REQUESTS.measurements() * seconds(QuickPlan.REQUESTS.measurementTime());
            case FULL -> FULL_FORKS * (1 + TRIAL_SECONDS + iterations);
        };
    }

    /** The nominal seconds of one benchmark for one style. */
    static double nominalSeconds(Compare.Mode mode, String benchmark, String db, String first) {
        QuickPlan plan = QuickPlan.of(benchmark, db, first);
        boolean batches = QuickPlan.of(benchmark) == QuickPlan.BATCHES;
        return switch (mode) {
            case SMOKE -> 0.5;
            case QUICK -> TRIAL_SECONDS + (batches ? (plan.warmups() + plan.measurements()) * BATCH_SECONDS
                    : plan.warmups() * seconds(plan.warmupTime()) + plan.measurements() * seconds(plan.measurementTime()));
            // The annotations: 20 × 500 ms warm-up and 5 × 500 ms measured, with --full's 10 measured, per fork.
            case FULL -> FULL_FORKS * (TRIAL_SECONDS + 1 + (batches ? 30 * BATCH_SECONDS : 15));
        };
    }

    /** The nominal seconds of the start-up benchmark for one style (all its forks). */
    static double startupSeconds(Compare.Mode mode) {
        return switch (mode) {
            case SMOKE -> 0.5;
            case QUICK -> QUICK_STARTUP_FORKS * STARTUP_FORK_SECONDS;
            case FULL -> FULL_STARTUP_FORKS * STARTUP_FORK_SECONDS;
        };
    }

    private static double seconds(String jmhTime) {
        return jmhTime.endsWith("ms") ? Double.parseDouble(jmhTime.replace("ms", "")) / 1000
                : Double.parseDouble(jmhTime.replace("s", ""));
    }

    /** Counts one benchmark of one style as done. */
    synchronized void benchmarkDone(String benchmark) {
        done += nominalSeconds(mode, benchmark, db, first);
    }

    /** Counts the start-up of one style as done. */
    synchronized void startupDone() {
        done += startupSeconds(mode);
    }

    /** Counts one style's run of one contention benchmark (by its method) at one worker count as done. */
    synchronized void contentionDone(String method) {
        done += contentionSeconds(mode, method, db);
    }

    /** Counts {@code requests} requests of one style at one thread count as done. */
    synchronized void requestsDone(int requests) {
        done += requests * requestSeconds(mode);
    }

    /** The time left for the whole run: the nominal work left, at the pace measured so far. */
    synchronized Duration left() {
        Duration elapsed = Duration.between(started, Instant.now());
        double pace = done > 0 ? elapsed.toMillis() / 1000.0 / done : 1;
        return Duration.ofSeconds(Math.round(Math.max(0, total - done) * pace));
    }

    /** {@code about 18 min in all (an estimate from the plans)}, for the run's first line. */
    String describeTotal() {
        return "about " + minutes(Duration.ofSeconds(Math.round(total))) + " in all (an estimate from the plans)";
    }

    /** {@code 3 min 05 s elapsed, about 14 min left in all}, for the progress lines. */
    String progress() {
        Duration elapsed = Duration.between(started, Instant.now());
        return "%d min %02d s elapsed, about %s left in all".formatted(elapsed.toMinutes(), elapsed.toSecondsPart(),
                minutes(left()));
    }

    private static String minutes(Duration d) {
        return d.toMinutes() < 1 ? d.toSeconds() + " s" : "%d min %02d s".formatted(d.toMinutes(), d.toSecondsPart());
    }
}
