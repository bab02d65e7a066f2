package dev.fourways.bench;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * {@code upsert} as an idempotent consumer runs it: several workers at once delivering changes to
 * the same few users, so their upserts meet on the same rows. Every call upserts one of
 * {@value #HOT_USERNAMES} usernames, drawn at random by each worker, with an e-mail no call has
 * used before: the row is matched, locked, written and its version bumped (the first call per
 * username in a trial inserts it; after the warm-up every call takes the update path). Workers
 * that pick the same username wait for one another's row lock, as redelivered messages do.
 * JMH's score is <b>upserts per second over all threads</b> (throughput mode; JMH's {@code -t}
 * sets the threads, {@code ./compare} runs {@link ClaimThroughputBenchmark#THREADS}), over the
 * one pool of {@value dev.fourways.db.ConnectionPools#DEFAULT_SIZE} connections every style shares.
 *
 * <p>Each style's upsert is its library's idiom, one statement where the database has one (see
 * {@code UserStore.upsert} and each module's README); a call that loses a race on H2 retries
 * inside the store, and that retry is part of the measured time, as it is of the caller's.
 * Unlike {@link WriteBenchmarks#upsert}, where one thread alternates insert and update on users
 * of its own and never meets a lock, this measures contention.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = UpsertThroughputBenchmark.WARMUP_ITERATIONS, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = ClaimThroughputBenchmark.MEASUREMENT_ITERATIONS, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class UpsertThroughputBenchmark extends StoreBenchmark {

    /**
     * 12 s: in a fresh JVM the JIT compilers kept both cores busy for the first 8 s of one jdbc
     * worker on H2 (JMH's {@code -prof comp}), and the rate rose from 2,300 to 35,000 upserts/s
     * only after that.
     */
    static final int WARMUP_ITERATIONS = 24;

    /**
     * The usernames every worker upserts: few enough that 16 workers meet on the same row often
     * (with 16 workers, each holding one row's lock, a pick meets a held row at most 1 − (63/64)¹⁵ ≈ 21 % of the time), many
     * enough that one worker rarely waits.
     */
    static final int HOT_USERNAMES = 64;

    /** Tells the workers' e-mails apart, and one trial's from an earlier trial's on the same database. */
    private final AtomicInteger workers = new AtomicInteger();
    private long trial;

    @Setup(Level.Trial)
    public void nameTrial() {
        trial = System.nanoTime();
    }

    /** One worker: its number, its calls and its own random sequence of usernames. */
    @State(Scope.Thread)
    public static class Worker {
        int number;
        long calls;
        SplittableRandom random;

        @Setup(Level.Trial)
        public void join(UpsertThroughputBenchmark benchmark) {
            number = benchmark.workers.getAndIncrement();
            random = new SplittableRandom(number);
        }
    }

    /** One upsert of a hot username with an e-mail never used before. */
    @Benchmark
    public User upsertThroughput(Worker worker) {
        String username = "hot" + worker.random.nextInt(HOT_USERNAMES);
        String email = username + "." + trial + "." + worker.number + "." + worker.calls++ + "@upsert.test";
        return userStore.upsert(NewUser.of(username, email));
    }
}
