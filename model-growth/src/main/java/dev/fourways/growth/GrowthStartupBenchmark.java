package dev.fourways.growth;

import com.zaxxer.hikari.HikariDataSource;
import dev.fourways.growth.styles.Phases;
import dev.fourways.growth.styles.StyleStart;
import dev.fourways.growth.styles.StyleStarts;
import dev.fourways.growth.styles.Started;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
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

/**
 * Start-up over a generated model of {@link #n} tables: in a fresh JVM per measurement (one
 * single-shot measurement per fork, no warm-up), from nothing of the style loaded to its first
 * query answered on the model's last table, in ms.
 *
 * <p>As in benchmarks' {@code StartupBenchmark}, before the clock starts the fork has opened a
 * HikariCP pool on the model's H2 file database (migrated once by the launcher before the forks),
 * so the driver and pool are loaded and the time is the style's own. The fork class path holds the
 * compiled models ({@link Sweep} puts them there). After the clock, the tear-down checks that the
 * query returned row 1 of that table (a wrong figure fails the run), then appends one JSON line
 * per fork to the file named by {@value #FORK_LOG_PROPERTY}: classes loaded during the start-up,
 * heap used after it (MB, after a full GC, the started library still reachable) and what the
 * library built (entity persisters, mapped statements, jOOQ tables), and the CPU time the whole
 * JVM spent during the start-up (ms).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Djava.awt.headless=true",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.jboss.logging.provider=slf4j"})
public class GrowthStartupBenchmark {

    /** The cache folder holding {@code n<N>/} models; set by {@link Sweep}. */
    public static final String CACHE_PROPERTY = "fourways.growth.cache";
    /** Where each fork appends its JSON line; set by {@link Sweep}. */
    public static final String FORK_LOG_PROPERTY = "fourways.growth.forkLog";

    @Param({"jdbc", "hibernate", "mybatis", "jdbi", "jooq"})
    public String style;

    /** Tables in the model. */
    @Param({"10"})
    public int n;

    /** {@code default}, or one of the style's mitigations ({@link StyleStart#variants()}). */
    @Param({"default"})
    public String variant;

    private ModelLayout layout;
    private HikariDataSource pool;
    private StyleStart start;
    private Started started;
    private ClassLoader loader;
    private long classesBefore;
    private long classesAfter;
    private long cpuBefore;
    private long cpuAfter;

    @Setup(Level.Trial)
    public void openPool() {
        layout = ModelLayout.of(Path.of(System.getProperty(CACHE_PROPERTY, "target/growth-cache")), n);
        pool = ModelBuilder.open(layout, "growth");
        start = StyleStarts.byName(style);
        start.checkVariant(variant);
        // The context loader: in a fork the system loader, whose class path holds the models; in
        // the smoke test's in-process run (forks 0) the loader over the freshly compiled model.
        loader = Thread.currentThread().getContextClassLoader();
        classesBefore = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        cpuBefore = processCpuNanos();
    }

    @Benchmark
    public String startAndQueryFirst() throws Exception {
        started = start.start(pool, loader, layout.basePackage(), variant, Phases.OFF);
        cpuAfter = processCpuNanos();
        classesAfter = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        return started.firstCode();
    }

    /**
     * CPU time of the whole JVM (every thread: the start-up's, JIT compilers, GC), ns; -1 where the
     * platform does not report it. On a shared machine it is steadier than wall-clock time,
     * which also counts the time spent waiting for a core.
     */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    @TearDown(Level.Trial)
    public void checkRecordAndClose() throws IOException {
        String expected = Tables.firstCode(n, n);
        if (started == null || !expected.equals(started.firstCode())) {
            throw new IllegalStateException(style + "/" + variant + " n=" + n + ": first query returned "
                    + (started == null ? "nothing" : started.firstCode()) + ", expected " + expected);
        }
        int mapped = start.mappedTypes(started, loader, layout.basePackage(), variant);
        System.gc();
        double heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        String file = System.getProperty(FORK_LOG_PROPERTY);
        if (file != null) {
            Files.writeString(Path.of(file), new ForkRecord(style, variant, n, classesAfter - classesBefore, heapMb, mapped,
                    cpuBefore < 0 ? -1 : (cpuAfter - cpuBefore) / 1e6).toJson() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        start.close(started);
        pool.close();
    }
}
