package dev.fourways.bench;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code claimPaidPurchases} as a fulfilment queue runs it: several workers claiming at once, each
 * claim {@code SELECT ... FOR UPDATE SKIP LOCKED} of the 10 oldest PAID purchases, then marking
 * them SHIPPED, in one transaction. JMH's score is claims (calls) per second over all threads
 * (throughput mode; JMH's {@code -t} sets the threads, {@code ./compare} runs {@link #THREADS});
 * {@link Claimed} counts what the report leads with, <b>purchases claimed per second</b>, and the
 * share of claims that came back empty. Unlike {@link DestructiveWriteBenchmarks#claimPaidPurchases},
 * where one thread never meets a lock, the workers here skip one another's locked rows, wait for
 * the pool's connections (HikariCP, {@value dev.fourways.db.ConnectionPools#DEFAULT_SIZE}
 * connections, so 16 threads queue for them) and for the server.
 *
 * <p>An empty claim is a miss, not an empty queue: on H2, which applies the {@code LIMIT} before
 * it skips locked rows, a worker whose 10 oldest candidates another worker holds gets nothing
 * back. Purchases per second count only the work done.
 *
 * <p>The queue: before each iteration (unmeasured, one thread while the others wait), every
 * purchase of the seeded database is put back to PAID: 10 per seeded user, 100,000 for the
 * default 10,000 users, which at the fastest rate measured here (about 75,000 purchases per
 * second, one jdbc worker on H2) lasts well beyond an iteration of 500 ms. On PostgreSQL the
 * refill is followed by {@code VACUUM purchases}: without it every iteration's claims would walk
 * past the dead index entries of all the earlier ones, and the rate would fall from one
 * iteration to the next.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = ClaimThroughputBenchmark.WARMUP_ITERATIONS, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = ClaimThroughputBenchmark.MEASUREMENT_ITERATIONS, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class ClaimThroughputBenchmark extends StoreBenchmark {

    /** The worker counts {@code ./compare} runs, each in its own JMH run. */
    static final List<Integer> THREADS = List.of(1, 4, 16);
    /** In a fresh fork (full mode, plain JMH): 8 s, what Hibernate and jOOQ need before C2 has compiled the claim. */
    static final int WARMUP_ITERATIONS = 16;
    static final int MEASUREMENT_ITERATIONS = 5;
    /** Purchases per claim: what one worker takes at a time. */
    static final int CLAIM = DataSet.PURCHASES_PER_USER;

    /**
     * Per thread, what its claims returned; JMH reports each field as a rate per second summed
     * over the threads ({@code AuxCounters.Type.OPERATIONS}). These counters also count the calls
     * JMH makes while the threads line up at an iteration's start and end, which its score leaves
     * out, so the report uses their proportions (purchases per claim, the share of empty claims)
     * and multiplies them by the score.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Claimed {
        /** Claims made. */
        public long claims;
        /** Purchases claimed (marked SHIPPED). */
        public long purchases;
        /** Claims that came back with nothing: every candidate was locked by another worker. */
        public long emptyClaims;

        @Setup(Level.Iteration)
        public void reset() {
            claims = 0;
            purchases = 0;
            emptyClaims = 0;
        }
    }

    /** Refills the queue: every purchase PAID again, so each iteration starts from the same 100,000. */
    @Setup(Level.Iteration)
    public void refillQueue() {
        DataSet.execute(dataSource(), "update purchases set status = ? where status <> ?", PurchaseStatus.PAID.name(),
                PurchaseStatus.PAID.name());
        if ("postgresql".equals(db)) {
            DataSet.execute(dataSource(), "vacuum purchases");
        }
    }

    /** One worker's claim of up to {@value #CLAIM} purchases. */
    @Benchmark
    public List<Purchase> claimThroughput(Claimed claimed) {
        List<Purchase> got = userStore.claimPaidPurchases(CLAIM);
        claimed.claims++;
        claimed.purchases += got.size();
        if (got.isEmpty()) {
            claimed.emptyClaims++;
        }
        return got;
    }
}
