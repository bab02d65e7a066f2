package dev.fourways.bench;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.UserStore;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;

/**
 * Writes that use up what they act on: a deleted user cannot be deleted again, merged users are
 * gone, cancelled purchases stay cancelled. They cannot run for a fixed time, so they use JMH's
 * batch mode ({@code JMHSample_26_BatchSize}): each iteration calls the benchmark exactly
 * {@code batchSize} times, after a setup (not measured) that creates exactly that many fresh
 * targets, and a teardown that removes what is left. Each benchmark method takes its own fixture,
 * a {@code @State} whose iteration setup makes its kind of target ({@link FreshUsers},
 * {@link FreshPairs}, {@link PurchaseWindows}), as in {@code JMHSample_06_FixtureLevel}. {@code @OperationsPerInvocation(BATCH)} makes
 * JMH divide the batch's time by its size, so the score is per call like the others' (keep
 * {@code -bs} at {@value #BATCH} when overriding the settings).
 *
 * <ul>
 *   <li>{@code delete}: fresh users with 10 purchases each, deleted one per call (the cascade
 *       deletes the purchases).</li>
 *   <li>{@code mergeUsers}: fresh pairs of users with 10 purchases each, merged one pair per call
 *       (10 purchases move).</li>
 *   <li>{@code changePurchases}: fresh users with 10 purchases each, one per call: two purchases
 *       added, two changed, one removed, at version 0.</li>
 *   <li>{@code cancelPurchasesPlacedBefore}: fresh NEW purchases in one-hour windows long before
 *       the seeded ones; each call moves the cut-off one window on, cancelling exactly 10.</li>
 *   <li>{@code claimPaidPurchases}: fresh PAID purchases placed long before the seeded ones, 10 per
 *       call; each call claims the 10 oldest under {@code FOR UPDATE SKIP LOCKED} and marks them
 *       SHIPPED (one thread, so nothing is ever skipped: the figure is the claim's own cost).</li>
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OperationsPerInvocation(DestructiveWriteBenchmarks.BATCH)
@Warmup(iterations = DestructiveWriteBenchmarks.WARMUP_BATCHES, batchSize = DestructiveWriteBenchmarks.BATCH)
@Measurement(iterations = DestructiveWriteBenchmarks.MEASURED_BATCHES, batchSize = DestructiveWriteBenchmarks.BATCH)
public class DestructiveWriteBenchmarks extends StoreBenchmark {

    static final int BATCH = 500;
    static final int WARMUP_BATCHES = 20;
    static final int MEASURED_BATCHES = 10;
    private static final Instant WINDOWS_START = DataSet.BASE.minus(3650, ChronoUnit.DAYS);

    private int iteration;

    /**
     * Each batch acts only on the targets its setup created, and its teardown deletes what is
     * left of them: quick mode runs these on the seeded database the run keeps ({@link KeptTrials}).
     */
    @Override
    protected boolean leavesSeedAsFound() {
        return true;
    }

    /**
     * {@code delete}'s fixture (JMH's way, {@code JMHSample_06_FixtureLevel}: one {@code @State} per
     * fixture, the benchmark method taking the one it needs): before each batch, unmeasured,
     * {@code batchSize} fresh users with 10 purchases each, one per call.
     */
    @State(Scope.Benchmark)
    public static class FreshUsers {
        private long[] targets;
        private int next;

        @Setup(Level.Iteration)
        public void createUsers(DestructiveWriteBenchmarks benchmark, IterationParams iteration) {
            next = 0;
            targets = benchmark.createUsersWithPurchases(iteration.getBatchSize());
            collectSetupGarbage();
        }
    }

    /** {@code mergeUsers}'s fixture: before each batch, unmeasured, {@code batchSize} fresh pairs of users with 10 purchases each. */
    @State(Scope.Benchmark)
    public static class FreshPairs {
        private long[] targets;
        private int next;

        @Setup(Level.Iteration)
        public void createPairs(DestructiveWriteBenchmarks benchmark, IterationParams iteration) {
            next = 0;
            targets = benchmark.createUsersWithPurchases(2 * iteration.getBatchSize());
            collectSetupGarbage();
        }
    }

    /**
     * {@code changePurchases}' fixture: before each batch, unmeasured, {@code batchSize} fresh users
     * with 10 purchases each, read back through the JDBC reference (their purchase ids and version 0).
     */
    @State(Scope.Benchmark)
    public static class FreshAggregates {
        private List<UserWithPurchases> targets;
        private int next;

        @Setup(Level.Iteration)
        public void createAggregates(DestructiveWriteBenchmarks benchmark, IterationParams iteration) {
            next = 0;
            long[] ids = benchmark.createUsersWithPurchases(iteration.getBatchSize());
            try (UserStore reference = new JdbcUserStoreProvider().open(benchmark.dataSource())) {
                targets = java.util.Arrays.stream(ids).mapToObj(id -> reference.findWithPurchases(id).orElseThrow()).toList();
            }
            collectSetupGarbage();
        }
    }

    /**
     * {@code cancelPurchasesPlacedBefore}'s fixture: before each batch, unmeasured, {@code batchSize}
     * one-hour windows of 10 NEW purchases, long before the seeded ones.
     */
    @State(Scope.Benchmark)
    public static class PurchaseWindows {
        private int next;

        @Setup(Level.Iteration)
        public void createWindows(DestructiveWriteBenchmarks benchmark, IterationParams iteration) {
            next = 0;
            benchmark.iteration++;
            benchmark.createPurchaseWindows(iteration.getBatchSize());
            collectSetupGarbage();
        }
    }

    /**
     * {@code claimPaidPurchases}' fixture: before each batch, unmeasured, {@code batchSize} × 10 PAID
     * purchases placed before every seeded one, so each call claims exactly 10 fresh ones.
     */
    @State(Scope.Benchmark)
    public static class PaidPurchases {

        @Setup(Level.Iteration)
        public void createPaidPurchases(DestructiveWriteBenchmarks benchmark, IterationParams iteration) {
            benchmark.createPurchases(iteration.getBatchSize(), PurchaseStatus.PAID);
            collectSetupGarbage();
        }
    }

    /** The setup wrote thousands of rows; its garbage is collected here, not inside the timed batch. */
    private static void collectSetupGarbage() {
        System.gc();
    }

    /** After every batch, whichever fixture it used: removes what is left of the targets. */
    @TearDown(Level.Iteration)
    public void removeTargets() {
        DataSet.execute(dataSource(), "delete from purchases where placed_at < ?", DataSet.BASE);
        deleteAddedUsers();
    }

    /** A fresh user with 10 purchases. */
    @Benchmark
    public boolean delete(FreshUsers users) {
        return userStore.delete(target(users.targets, users.next++));
    }

    /** Two fresh users with 10 purchases each: the purchases move, one user goes. */
    @Benchmark
    public User mergeUsers(FreshPairs pairs) {
        int pair = pairs.next++;
        return userStore.mergeUsers(target(pairs.targets, 2 * pair), target(pairs.targets, 2 * pair + 1));
    }

    /** A fresh user's purchases, at once: two added, two changed, one removed, under the user's optimistic lock. */
    @Benchmark
    public UserWithPurchases changePurchases(FreshAggregates aggregates) {
        int i = aggregates.next++;
        if (i >= aggregates.targets.size()) {
            throw new IllegalStateException("more calls than targets prepared for this batch: " + i);
        }
        UserWithPurchases target = aggregates.targets.get(i);
        return userStore.changePurchases(target.user().id(), target.user().version(),
                AggregateShapes.addTwoChangeTwoRemoveOne(target.purchases(), i));
    }

    /** Cancels the 10 NEW purchases of the next one-hour window. */
    @Benchmark
    public int cancelPurchasesPlacedBefore(PurchaseWindows windows) {
        return userStore.cancelPurchasesPlacedBefore(WINDOWS_START.plus(++windows.next, ChronoUnit.HOURS));
    }

    /** Claims the 10 oldest PAID purchases (all fresh ones) and marks them SHIPPED. */
    @Benchmark
    public List<Purchase> claimPaidPurchases(PaidPurchases paid) {
        return userStore.claimPaidPurchases(DataSet.PURCHASES_PER_USER);
    }

    private static long target(long[] targets, int i) {
        if (i >= targets.length) {
            throw new IllegalStateException("more calls than targets prepared for this batch: " + i);
        }
        return targets[i];
    }

    /** {@code count} users with 10 purchases each, through the JDBC reference; counts the batch for their names. */
    private long[] createUsersWithPurchases(int count) {
        iteration++;
        List<NewUser> fresh = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            fresh.add(NewUser.of("gone" + iteration + "_" + i, "gone" + iteration + "_" + i + "@gone.test"));
        }
        long[] ids = new JdbcUserStoreProvider().open(dataSource()).createAll(fresh).stream().mapToLong(User::id).toArray();
        DataSet.insertPurchases(dataSource(), ids, new Random(iteration), DataSet.BASE.plus(1, ChronoUnit.DAYS),
                365L * 24 * 3600);
        return ids;
    }

    private void createPurchaseWindows(int windows) {
        createPurchases(windows, PurchaseStatus.NEW);
    }

    /** {@code windows} one-hour windows of 10 purchases in {@code status}, from {@link #WINDOWS_START} on. */
    private void createPurchases(int windows, PurchaseStatus status) {
        List<Object[]> rows = new ArrayList<>(windows * DataSet.PURCHASES_PER_USER);
        for (int w = 0; w < windows; w++) {
            for (int j = 0; j < DataSet.PURCHASES_PER_USER; j++) {
                long buyer = data.id(workload.pick(w * DataSet.PURCHASES_PER_USER + j));
                rows.add(new Object[] {buyer, new BigDecimal("9.99"), status.name(),
                        WINDOWS_START.plus(w, ChronoUnit.HOURS).plus(j, ChronoUnit.MINUTES)});
            }
        }
        DataSet.batch(dataSource(), "insert into purchases (user_id, amount, status, placed_at) values (?, ?, ?, ?)", rows);
    }
}
