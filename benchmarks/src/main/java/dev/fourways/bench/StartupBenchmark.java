package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.User;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
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
 * Start-up cost: from nothing to the first {@code findById} answered, in a fresh JVM each time
 * (one measurement per fork, no warm-up, several forks).
 *
 * <p>Before the clock starts, the fork has created, migrated and pooled the database and inserted
 * one user with plain JDBC, so the driver, HikariCP and Flyway are already loaded and the time
 * is the style's own: building its factory or context, reading its mapping metadata, and running
 * its first query through cold code. The classes the JVM loaded in that time are counted with the
 * {@code ClassLoadingMXBean} and appended, one JSON object per fork, to the file named by the
 * system property {@value #CLASSES_FILE_PROPERTY} (when set), for the report.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 5, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Djava.awt.headless=true"})
public class StartupBenchmark {

    /** Where each fork appends its count of classes loaded during the measured start-up. */
    public static final String CLASSES_FILE_PROPERTY = "fourways.bench.startupClassesFile";

    /** The style; {@value Styles#EVERY_STYLE} (every style found) is expanded as for {@link StoreBenchmark#store}. */
    @Param({Styles.EVERY_STYLE})
    public String store;

    @Param({"h2"})
    public String db;

    private IsolatedDatabase database;
    private UserStoreProvider provider;
    private UserStore opened;
    private long userId;
    private long classesBefore;
    private long classesAfter;

    @Setup(Level.Trial)
    public void prepareDatabase() {
        database = IsolatedDatabase.create(StoreBenchmark.settings(db), "startup");
        DataSet.batch(database.dataSource(), "insert into users (id, username, email, created_at, version) values (?, ?, ?, ?, 0)",
                java.util.List.<Object[]>of(new Object[] {1L, "first", "first@startup.test", DataSet.BASE}));
        userId = 1L;
        // The provider is a tiny class; finding it by name instantiates every provider, the same
        // cost for every style, so it happens before the clock starts.
        provider = StoreBenchmark.provider(store);
        classesBefore = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
    }

    @Benchmark
    public Optional<User> openAndFindFirstUser() {
        opened = provider.open(database.dataSource());
        Optional<User> first = opened.findById(userId);
        // Read here, not in the tear-down, so JMH's own work after the iteration is not counted.
        classesAfter = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        return first;
    }

    @TearDown(Level.Trial)
    public void recordClassesAndClose() throws IOException {
        long loaded = classesAfter - classesBefore;
        String file = System.getProperty(CLASSES_FILE_PROPERTY);
        if (file != null) {
            Files.writeString(Path.of(file), "{\"store\":\"" + store + "\",\"db\":\"" + db + "\",\"classesLoaded\":" + loaded + "}\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (opened != null) {
            opened.close();
        }
        database.close();
    }
}
