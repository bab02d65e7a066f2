package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The root of the query-cost benchmarks: the JMH settings, the parameters and the trial state
 * (after jdbi's {@code AbstractSqlObjectBenchmark}). Subclasses hold only their benchmarks.
 *
 * <p>Per trial (one fork, one store, one database): a fresh isolated database, migrated and seeded
 * with {@link DataSet} through the JDBC reference; the store opened once over the shared HikariCP
 * pool, as an application would; the {@link FairnessCheck} against the reference. Every store gets
 * the same pool, the same data and the same questions. In quick mode a style's JVM keeps that
 * trial for all its per-call benchmarks, restored between them ({@link KeptTrials}).
 *
 * <p>Warm-up: in a fresh fork the styles with the most code on the path (Hibernate, jOOQ) need up
 * to 8 s before C2 has compiled their hot paths (and H2's), against 3 s for plain JDBC; these
 * settings (used by the plain JMH command line and by {@code ./compare --full}, which adds forks and
 * iterations) leave 10 s. {@code ./compare}'s quick mode runs differently: see {@code Compare}
 * and the module README for the calibration.
 *
 * <p>Heap: 2 GB, every page of it touched when the JVM starts ({@code -XX:+AlwaysPreTouch}, which
 * the {@code java} manual offers "to simulate a long-running system with all virtual memory mapped
 * to physical memory": https://docs.oracle.com/en/java/javase/17/docs/specs/man/java.html). Without
 * it, the first pass of allocation through the 2 GB heap pays a page fault per fresh 4 KB page, and on
 * this virtual machine that made every call of the first seconds up to 10× slower: H2 {@code count}
 * in one fork, jdbc, 9-15 µs per call in warm-up iterations 3-9, then 1.2 µs once the heap had been
 * touched, with no compilation or GC in between ({@code -XX:+PrintCompilation -Xlog:gc}); with the
 * flag, 1.1-1.3 µs from iteration 3 on (2026-12-07). In quick mode a style allocates only during its
 * own turns, so the first benchmark of each style JVM stayed in that state through most of its
 * measured rounds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = StoreBenchmark.WARMUP_ITERATIONS, time = StoreBenchmark.ITERATION_MILLIS, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = StoreBenchmark.MEASUREMENT_ITERATIONS, time = StoreBenchmark.ITERATION_MILLIS, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Djava.awt.headless=true"})
public abstract class StoreBenchmark {

    static final int WARMUP_ITERATIONS = 20;
    static final int MEASUREMENT_ITERATIONS = 5;
    static final int ITERATION_MILLIS = 500;

    /** The kept trial's key word for every class that {@link #leavesSeedAsFound()}: they share one. */
    private static final String SEEDED = "seeded";

    /**
     * The style, by its {@code UserStoreProvider} name. The default, {@value Styles#EVERY_STYLE},
     * means every style found: the jar's launcher ({@link Main}) and {@code ./compare} replace it
     * with the names; {@link #provider} refuses it.
     */
    @Param({Styles.EVERY_STYLE})
    public String store;

    /** The database: {@code h2} (in memory), {@code postgresql} or {@code mariadb} (see {@code fourways.db.url}). */
    @Param({"h2"})
    public String db;

    /** Seeded users; each has {@value DataSet#PURCHASES_PER_USER} purchases. */
    @Param({"10000"})
    public int users;

    protected IsolatedDatabase database;
    protected DataSet data;
    protected Workload workload;
    protected UserStore userStore;
    /** Advances on every call, so reads walk the fixed sequence of random picks. */
    protected int call;

    @Setup(Level.Trial)
    public void openStore() {
        Turns.takeNext(); // in quick mode, one style's trial setup at a time, as one iteration at a time
        String key = String.join(" ", leavesSeedAsFound() ? SEEDED : trialClass().getName(), store, db, String.valueOf(users));
        Optional<KeptTrials.Trial> kept = KeptTrials.reuse(key);
        if (kept.isPresent() && restored(kept.get())) {
            database = kept.get().database();
            data = kept.get().data();
            workload = new Workload(data);
            userStore = kept.get().store();
            return;
        }
        database = IsolatedDatabase.create(settings(db), "bench");
        data = DataSet.seed(database.dataSource(), users);
        workload = new Workload(data);
        userStore = provider(store).open(database.dataSource());
        try (UserStore reference = new JdbcUserStoreProvider().open(database.dataSource())) {
            FairnessCheck.verify(store, userStore, reference, workload);
        }
        if (leavesSeedAsFound()) {
            KeptTrials.keep(new KeptTrials.Trial(key, database, data, userStore));
        }
    }

    /**
     * Puts the kept seed back ({@link DataSet#restore}); when it cannot (a benchmark that failed
     * half-way may leave other rows), says so and drops it, so that this trial seeds afresh.
     */
    private static boolean restored(KeptTrials.Trial trial) {
        try {
            trial.data().restore(trial.database().dataSource());
            return true;
        } catch (IllegalStateException e) {
            System.out.println("# fourways: the kept seed is not restored (" + e.getMessage() + "); seeding a fresh one");
            KeptTrials.closeKept();
            return false;
        }
    }

    /**
     * Whether every benchmark of this class leaves the seeded data as it found it, once
     * {@link DataSet#restore} has put back what its benchmarks change, so that quick mode may keep
     * one trial (the seeded database and the opened store) for all such classes of a style's run
     * ({@link KeptTrials}). True for the reads, and for the writes that delete what they add after
     * every iteration; false (the default) for the contention and request benchmarks, which get
     * their own fresh trial.
     */
    protected boolean leavesSeedAsFound() {
        return false;
    }

    /** The benchmark class itself, not the subclass JMH generates from it. */
    private Class<?> trialClass() {
        Class<?> c = getClass();
        while (c.getSuperclass() != StoreBenchmark.class) {
            c = c.getSuperclass();
        }
        return c;
    }

    /**
     * In quick mode, waits for this style's turn before every measured iteration, so the styles'
     * measured iterations alternate ({@link Turns}); elsewhere returns at once. Warm-up iterations
     * take no turn: a style's trial setup and its whole warm-up are one turn, so its JIT compilers
     * finish their work in its own time. Declared here, on the state every fixture depends on, so
     * JMH runs it before the fixtures' own iteration setups.
     */
    @Setup(Level.Iteration)
    public void takeTurn(IterationParams iteration) {
        if (iteration.getType() == IterationType.MEASUREMENT) {
            Turns.takeNext();
        }
    }

    @TearDown(Level.Trial)
    public void closeStore() {
        if (KeptTrials.holds(userStore)) {
            return; // kept for the next benchmark of this class, closed by KeptTrials
        }
        if (userStore != null) {
            userStore.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /**
     * The provider of one style.
     *
     * @throws IllegalArgumentException for {@value Styles#EVERY_STYLE}: JMH was started without the
     *                                  launcher that expands it (the jar's Main-Class, or {@code ./compare})
     * @throws java.util.NoSuchElementException when no style has that name, naming those found
     */
    static UserStoreProvider provider(String store) {
        if (Styles.EVERY_STYLE.equals(store)) {
            throw new IllegalArgumentException("store=" + Styles.EVERY_STYLE + " means every style found " + Styles.found()
                    + "; it is expanded by dev.fourways.bench.Main (the jar's Main-Class) and by ./compare. "
                    + "Started otherwise, pass -p store=" + String.join(",", Styles.found()));
        }
        return UserStoreProviders.byName(store);
    }

    /** The pool every store shares; for resetting data outside the measured time. */
    protected DataSource dataSource() {
        return database.dataSource();
    }

    /** Deletes every user (and, by cascade, purchase) a benchmark added after the seed. */
    protected void deleteAddedUsers() {
        DataSet.execute(dataSource(), "delete from users where id > ?", data.maxId());
    }

    /**
     * The H2 URL of every benchmark database: H2's result reuse off. With
     * {@code OPTIMIZE_REUSE_RESULTS} on (H2's default), H2 hands back the last result of a prepared
     * query when its SQL, its parameters and the tables are unchanged: measured with 10,000 users,
     * the same deep page took 2.3 µs, and ~350 µs with the offset varying or with reuse off. An
     * application's reads rarely repeat like that, so a benchmark must not time that cache.
     * http://www.h2database.com/html/commands.html#set_optimize_reuse_results
     */
    static final String H2_URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1;OPTIMIZE_REUSE_RESULTS=0";

    /**
     * The server named by {@code db}, with {@code fourways.db.url/user/password} from the system
     * properties; on H2 without a URL of the caller's, {@link #H2_URL}.
     */
    static DatabaseSettings settings(String db) {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        properties.put("fourways.db", db);
        if ("h2".equals(db)) {
            properties.putIfAbsent("fourways.db.url", H2_URL);
        }
        return DatabaseSettings.from(properties);
    }
}
