package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Requests under concurrency: each benchmark call is one web request, one unit of work
 * ({@link UserStore#inUnitOfWork}), run by many threads at once over the one shared pool
 * ({@value dev.fourways.db.ConnectionPools#DEFAULT_SIZE} connections, the same for every style;
 * {@code ./compare} runs {@link #THREADS}, JMH's {@code -t} otherwise). After TechEmpower's
 * "multiple queries" and "updates" tests (https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview),
 * plus a "checkout" that writes the way an order page does:
 * <ul>
 *   <li>{@link #multipleQueries}: 20 {@code findById} of 20 different random users. Each read is
 *       its own statement (no {@code IN} batching, and a persistence context cannot answer one: the
 *       ids differ); {@link RequestCensus} checks 20 statements and one commit per request before
 *       a run's report is written.</li>
 *   <li>{@link #updates}: 20 different random users, each read ({@code findById}) and then given a
 *       new e-mail under its optimistic lock ({@code changeEmail} with the version just read).</li>
 *   <li>{@link #checkout}: read a user, add two purchases, change the user's e-mail.</li>
 * </ul>
 * Writers never meet: thread {@code t} of {@code n} (JMH's {@link ThreadParams}) writes only the
 * seeded users whose index is {@code t} modulo {@code n}, so no optimistic lock fails and no two
 * requests wait for one row; reads pick from every user.
 *
 * <p>Mode: JMH's sample mode, so the result holds the latency distribution of the requests (p50,
 * p99, p99.9, in µs); the report derives requests per second from it by Little's law (threads ÷
 * mean latency), exact for a closed loop like this one, where every thread sends its next request
 * when the last one returns.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = RequestBenchmark.WARMUP_ITERATIONS, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = RequestBenchmark.MEASUREMENT_ITERATIONS, time = 500, timeUnit = TimeUnit.MILLISECONDS)
public class RequestBenchmark extends StoreBenchmark {

    /** The thread counts {@code ./compare} runs, each in its own JMH run. */
    static final List<Integer> THREADS = List.of(1, 4, 16, 64);
    /** In a fresh fork (plain JMH, full mode): as long as the claim benchmark's, for the same reason. */
    static final int WARMUP_ITERATIONS = 16;
    static final int MEASUREMENT_ITERATIONS = 5;
    /** Reads (and, in {@link #updates}, writes) per request, as in TechEmpower's tests. */
    static final int QUERIES = 20;
    /**
     * The fewest seeded users the requests run with: {@link #updates} at the most threads needs
     * {@link #QUERIES} users per thread that no other thread writes (1,280 at 64 threads).
     */
    static final int MIN_USERS = QUERIES * THREADS.get(THREADS.size() - 1);
    /** Every purchase a checkout adds is placed at this instant, before every seeded one, so it can be told apart and removed. */
    static final Instant CHECKOUT_PLACED_AT = DataSet.BASE.minusSeconds(86_400);

    /** One thread's random picks and its share of the users it may write. */
    @State(Scope.Thread)
    public static class Picks {
        private SplittableRandom random;
        private int thread;
        private int threads;
        private long written;

        @Setup(Level.Trial)
        public void start(ThreadParams params) {
            thread = params.getThreadIndex();
            threads = params.getThreadCount();
            random = new SplittableRandom(20261206L + thread);
        }

        /** {@code count} different seeded user indexes, from every user. */
        int[] anyDistinct(DataSet data, int count) {
            return random.ints(0, data.size()).distinct().limit(count).toArray();
        }

        /**
         * {@code count} different seeded user indexes that only this thread writes.
         *
         * @throws IllegalStateException when this thread's share of the users is smaller than
         *                               {@code count} (too few users for this many threads)
         */
        int[] ownDistinct(DataSet data, int count) {
            int share = (data.size() - thread + threads - 1) / threads;
            if (share < count) {
                throw new IllegalStateException("requests: each of " + threads + " threads writes only its own "
                        + share + " of the " + data.size() + " users, fewer than the " + count
                        + " a request writes; seed at least " + count * threads + " users");
            }
            return random.ints(0, share).distinct().limit(count).map(k -> k * threads + thread).toArray();
        }

        /** An e-mail no other user has: the user's own (unique) username, with a counter of this thread's. */
        String newEmail(DataSet data, int user) {
            return data.username(user) + "." + (written++) + "@request.test";
        }
    }

    /** TechEmpower's "multiple queries": 20 users, read one by one, in one unit of work. */
    @Benchmark
    public List<User> multipleQueries(Picks picks) {
        int[] users = picks.anyDistinct(data, QUERIES);
        return userStore.inUnitOfWork(s -> multipleQueries(s, data, users));
    }

    /** TechEmpower's "updates": 20 users, each read and then changed under its optimistic lock, in one unit of work. */
    @Benchmark
    public List<User> updates(Picks picks) {
        int[] users = picks.ownDistinct(data, QUERIES);
        String[] emails = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            emails[i] = picks.newEmail(data, users[i]);
        }
        return userStore.inUnitOfWork(s -> updates(s, data, users, emails));
    }

    /** An order page: read the user, add two purchases, change the user's e-mail, in one unit of work. */
    @Benchmark
    public User checkout(Picks picks) {
        int user = picks.ownDistinct(data, 1)[0];
        String email = picks.newEmail(data, user);
        return userStore.inUnitOfWork(s -> checkout(s, data, user, email));
    }

    /** Removes what checkouts added, outside the measured time, so every iteration starts from the seed. */
    @TearDown(Level.Iteration)
    public void removeCheckoutPurchases() {
        DataSet.execute(dataSource(), "delete from purchases where placed_at = ?", DataSet.utc(CHECKOUT_PLACED_AT));
    }

    // The requests themselves, shared with RequestCensus so that it verifies exactly what is timed.

    static List<User> multipleQueries(UserStore s, DataSet data, int[] users) {
        List<User> read = new ArrayList<>(users.length);
        for (int user : users) {
            read.add(s.findById(data.id(user)).orElseThrow());
        }
        return read;
    }

    static List<User> updates(UserStore s, DataSet data, int[] users, String[] emails) {
        List<User> changed = new ArrayList<>(users.length);
        for (int i = 0; i < users.length; i++) {
            User current = s.findById(data.id(users[i])).orElseThrow();
            changed.add(s.changeEmail(current.id(), current.version(), emails[i]));
        }
        return changed;
    }

    static User checkout(UserStore s, DataSet data, int user, String email) {
        User current = s.findById(data.id(user)).orElseThrow();
        s.addPurchase(current.id(), new NewPurchase(new BigDecimal("19.90"), PurchaseStatus.PAID, CHECKOUT_PLACED_AT));
        s.addPurchase(current.id(), new NewPurchase(new BigDecimal("4.50"), PurchaseStatus.NEW, CHECKOUT_PLACED_AT));
        return s.changeEmail(current.id(), current.version(), email);
    }
}
