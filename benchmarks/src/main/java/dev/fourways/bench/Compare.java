package dev.fourways.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a comparison behind {@code ./compare}: the query-cost benchmarks and the start-up
 * benchmark for the styles asked for, the statement census, and the report folder. The command
 * line ({@link CompareCommand}, picocli) checks the options first and hands over a
 * {@link RunSettings}; {@code ./compare --help} prints the usage.
 */
public final class Compare {

    /** How much measuring: the calibrated quick mode, a longer full mode, or a seconds-long smoke run. */
    enum Mode { QUICK, FULL, SMOKE }

    private Compare() {
    }

    /**
     * The command line; exits with {@link CompareCommand}'s code (0 done, 2 a bad option, 1 a failed run).
     *
     * @param args see {@code ./compare --help}
     */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(CompareCommand.execute(args));
    }

    /**
     * Runs everything a report needs into {@code settings.out()} and writes the report.
     *
     * @param echo where JMH's console output is shown besides {@code jmh.log} (the console, or a
     *             sink for a quiet run: the smoke test)
     * @return REPORT.md
     * @throws RunnerException when JMH cannot start a run
     * @throws IOException     when the report folder cannot be written
     */
    public static Path run(RunSettings settings, PrintStream echo) throws RunnerException, IOException {
        Path out = settings.out();
        Mode mode = settings.mode();
        Files.createDirectories(out);
        String db = settings.db();
        int users = settings.users();
        List<String> stores = settings.stores();
        Instant started = Instant.now();
        if (mode == Mode.SMOKE) {
            // The smoke test asserts nothing about speed, so it may run beside another JMH run.
            System.setProperty("jmh.ignoreLock", "true");
        }

        List<Path> results = new ArrayList<>();
        List<String> benchmarks = settings.queryBenchmarks();
        List<String> requests = settings.requests();
        List<String> contention = settings.contention();
        RunEstimate estimate = RunEstimate.of(mode, db, benchmarks, stores.size(), settings.startup(), contention,
                requests.size());
        echo.printf("fourways compare (%s): stores %s on %s, %,d users; %d query benchmarks%s; %s.%n",
                mode.name().toLowerCase(), stores, db, users, benchmarks.size(),
                (settings.startup() ? " and start-up" : "") + (contention.isEmpty() ? "" : ", " + contention + " at " + ClaimThroughputBenchmark.THREADS + " threads")
                        + (requests.isEmpty() ? "" : ", requests " + requests + " at " + RequestBenchmark.THREADS + " threads"),
                estimate.describeTotal());
        // One include for the whole list (full and smoke modes): the registry's Class.method names, as regexes.
        String queryInclude = "^dev\\.fourways\\.bench\\.(" + String.join("|", benchmarks).replace(".", "\\.") + ")$";
        Path query = out.resolve("results-query.json");
        Path log = out.resolve(Results.LOG);
        Path warmups = out.resolve(Results.WARMUPS);
        Files.deleteIfExists(log);
        Files.deleteIfExists(out.resolve(Results.CLAIMS));
        Files.deleteIfExists(out.resolve(Results.REQUESTS));
        Files.deleteIfExists(out.resolve(Results.REQUEST_CENSUS));
        Files.deleteIfExists(warmups);
        RepeatFilter banners = new RepeatFilter();
        List<Path> claims = new ArrayList<>();
        List<Path> requestFiles = new ArrayList<>();
        if (benchmarks.isEmpty()) {
            echo.println("# fourways: no query benchmark matches --bench");
        }
        if (mode == Mode.QUICK && (!benchmarks.isEmpty() || !contention.isEmpty() || !requests.isEmpty())) {
            try (PrintStream console = ConsoleLog.stream(echo, log, banners);
                 StyleWorkers workers = StyleWorkers.start(stores, db, users, List.of(passThrough()), console)) {
                results.addAll(workers.runInterleaved(benchmarks, b -> QuickPlan.of(b, db, benchmarks.get(0)), out, estimate));
                if (!contention.isEmpty()) {
                    claims.addAll(workers.runContention(contention, ClaimThroughputBenchmark.THREADS, out, estimate));
                }
                if (!requests.isEmpty()) {
                    requestFiles.addAll(workers.runRequests(requests, RequestBenchmark.THREADS, out, estimate));
                }
            }
        } else if (!benchmarks.isEmpty()) {
            try (PrintStream console = ConsoleLog.stream(echo, log, banners)) {
                new Runner(queryOptions(mode, queryInclude, stores, db, users, query).build(),
                        ProgressFormat.over(console, benchmarks.size() * stores.size(), warmups, estimate)).run();
            }
            results.add(query);
        }
        if (!contention.isEmpty() && mode != Mode.QUICK) {
            // Each worker count is its own JMH run (JMH's threads are a run option, not a @Param):
            // every style at 1 thread, then every style at 4, then 16.
            Path claimWarmups = out.resolve("warmups-claims.jsonl");
            try (PrintStream console = ConsoleLog.stream(echo, log, banners)) {
                for (int threads : ClaimThroughputBenchmark.THREADS) {
                    Path file = out.resolve("results-claims-" + threads + ".json");
                    new Runner(claimOptions(mode, settings.contentionInclude(), stores, db, users, threads, file),
                            ProgressFormat.over(console, stores.size() * contention.size(), claimWarmups, estimate)).run();
                    claims.add(file);
                }
            }
            Files.deleteIfExists(claimWarmups);
        }
        if (!contention.isEmpty()) {
            mergeResults(claims, out.resolve(Results.CLAIMS));
        }
        if (!requests.isEmpty() && mode != Mode.QUICK) {
            Path requestWarmups = out.resolve("warmups-requests.jsonl");
            String include = "^dev\\.fourways\\.bench\\.RequestBenchmark\\.(" + String.join("|", requests) + ")$";
            try (PrintStream console = ConsoleLog.stream(echo, log, banners)) {
                for (int threads : RequestBenchmark.THREADS) {
                    Path file = out.resolve("results-requests-" + threads + ".json");
                    new Runner(threadedOptions(mode, include, RequestBenchmark.MEASUREMENT_ITERATIONS, stores, db, users, threads, file),
                            ProgressFormat.over(console, stores.size() * requests.size(), requestWarmups, estimate)).run();
                    requestFiles.add(file);
                }
            }
            Files.deleteIfExists(requestWarmups);
        }
        if (!requests.isEmpty()) {
            mergeResults(requestFiles, out.resolve(Results.REQUESTS));
        }
        if (settings.startup()) {
            Path startup = out.resolve("results-startup.json");
            try (PrintStream console = ConsoleLog.stream(echo, log, banners)) {
                new Runner(startupOptions(mode, stores, db, out, startup), ProgressFormat.over(console, stores.size(), warmups, estimate)).run();
            }
            results.add(startup);
        }
        boolean claimed = Files.exists(out.resolve(Results.CLAIMS))
                && !((ArrayNode) JsonFiles.tree(out.resolve(Results.CLAIMS))).isEmpty()
                || Files.exists(out.resolve(Results.REQUESTS))
                && !((ArrayNode) JsonFiles.tree(out.resolve(Results.REQUESTS))).isEmpty();
        if (!mergeResults(results, out.resolve(Results.RESULTS)) && !claimed) {
            throw new RunFailed("no benchmark produced a result; " + log + " says why (JMH's lock held by another run, "
                    + "a failed fairness check, an unreachable database)");
        }

        echo.println("# fourways: counting statements per operation (datasource-proxy, outside any timing)...");
        Map<String, Object> census = new LinkedHashMap<>();
        census.put("database", db);
        census.put("users", StatementCensus.USERS);
        Map<String, Map<String, StatementCensus.Count>> counts = StatementCensus.count(StoreBenchmark.settings(db), stores);
        census.put("statements", perOperation(counts, StatementCensus.Count::statements));
        census.put("commits", perOperation(counts, StatementCensus.Count::commits));
        JsonFiles.writeFile(out.resolve(Results.STATEMENTS), census);
        if (!requests.isEmpty()) {
            echo.println("# fourways: verifying each request (statements, commits, the rows written), outside any timing...");
            Map<String, Map<String, RequestCensus.Count>> requestCounts = RequestCensus.count(StoreBenchmark.settings(db), stores);
            Map<String, Object> requestCensus = new LinkedHashMap<>();
            requestCensus.put("statements", perRequest(requestCounts, RequestCensus.Count::statements));
            requestCensus.put("commits", perRequest(requestCounts, RequestCensus.Count::commits));
            JsonFiles.writeFile(out.resolve(Results.REQUEST_CENSUS), requestCensus);
        }

        Map<String, Object> environment = environment(settings, started);
        JsonFiles.writeFile(out.resolve(Results.ENVIRONMENT), environment);
        return Report.write(List.of(Results.read(out)), out);
    }

    private static ChainedOptionsBuilder queryOptions(Mode mode, String include, List<String> stores, String db, int users,
                                                      Path result) {
        ChainedOptionsBuilder o = common(new OptionsBuilder().include(include), stores, db)
                .param("users", String.valueOf(users))
                .addProfiler(GCProfiler.class)
                .resultFormat(ResultFormatType.JSON).result(result.toString());
        switch (mode) {
            case FULL -> o.forks(3).measurementIterations(10);
            case SMOKE -> o.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(20));
            case QUICK -> throw new IllegalStateException("quick mode runs one warm JVM per style, see StyleWorkers");
        }
        return o;
    }

    /**
     * The contention run (claims, upserts) at one worker count: a fork per style and benchmark (the
     * classes' warm-up and measurement, 3 forks in full mode), in-process with 20 ms in a smoke run.
     */
    private static org.openjdk.jmh.runner.options.Options claimOptions(Mode mode, String include, List<String> stores, String db,
                                                                       int users, int threads, Path result) {
        return threadedOptions(mode, include, ClaimThroughputBenchmark.MEASUREMENT_ITERATIONS, stores, db, users, threads, result);
    }

    /** A run of a concurrent benchmark at one thread count: the claims' or the requests'. */
    private static org.openjdk.jmh.runner.options.Options threadedOptions(Mode mode, String include, int measurements,
                                                                          List<String> stores, String db, int users,
                                                                          int threads, Path result) {
        ChainedOptionsBuilder o = common(new OptionsBuilder().include(include), stores, db)
                .param("users", String.valueOf(users)).threads(threads)
                .resultFormat(ResultFormatType.JSON).result(result.toString());
        switch (mode) {
            case FULL -> o.forks(3).measurementIterations(2 * measurements);
            case SMOKE -> o.forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(20));
            case QUICK -> { }
        }
        return o.build();
    }

    private static org.openjdk.jmh.runner.options.Options startupOptions(Mode mode, List<String> stores, String db, Path out,
                                                                         Path result) {
        String classesFile = out.resolve(Results.STARTUP_CLASSES).toAbsolutePath().toString();
        // In a fork the property arrives on the command line; in-process (smoke) it is set here.
        System.setProperty(StartupBenchmark.CLASSES_FILE_PROPERTY, classesFile);
        ChainedOptionsBuilder o = common(new OptionsBuilder().include("^dev\\.fourways\\.bench\\.StartupBenchmark\\."), stores, db)
                .jvmArgsPrepend(passThrough("-D" + StartupBenchmark.CLASSES_FILE_PROPERTY + "=" + classesFile))
                .resultFormat(ResultFormatType.JSON).result(result.toString());
        switch (mode) {
            case FULL -> o.forks(10);
            case SMOKE -> o.forks(0);
            case QUICK -> { }
        }
        return o.build();
    }

    private static ChainedOptionsBuilder common(ChainedOptionsBuilder o, List<String> stores, String db) {
        return o.param("store", stores.toArray(String[]::new)).param("db", db).shouldFailOnError(false)
                .jvmArgsPrepend(passThrough());
    }

    /** The connection overrides ({@code fourways.db.url/user/password}) and JMH's lock override travel to every fork. */
    private static String[] passThrough(String... extra) {
        List<String> args = new ArrayList<>(List.of(extra));
        for (String key : List.of("fourways.db.url", "fourways.db.user", "fourways.db.password", "fourways.db.poolSize",
                "jmh.ignoreLock")) {
            if (System.getProperty(key) != null) {
                args.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        return args.toArray(String[]::new);
    }

    private static Map<String, Map<String, Integer>> perRequest(Map<String, Map<String, RequestCensus.Count>> counts,
                                                                java.util.function.ToIntFunction<RequestCensus.Count> field) {
        Map<String, Map<String, Integer>> result = new LinkedHashMap<>();
        counts.forEach((store, requests) -> {
            Map<String, Integer> perRequest = new LinkedHashMap<>();
            requests.forEach((request, count) -> perRequest.put(request, field.applyAsInt(count)));
            result.put(store, perRequest);
        });
        return result;
    }

    private static Map<String, Map<String, Integer>> perOperation(Map<String, Map<String, StatementCensus.Count>> counts,
                                                                  java.util.function.ToIntFunction<StatementCensus.Count> field) {
        Map<String, Map<String, Integer>> result = new LinkedHashMap<>();
        counts.forEach((store, ops) -> {
            Map<String, Integer> perOp = new LinkedHashMap<>();
            ops.forEach((op, count) -> perOp.put(op, field.applyAsInt(count)));
            result.put(store, perOp);
        });
        return result;
    }

    /** JMH's result files as one array, copied as JSON trees so that JMH's numbers stay as JMH wrote them. */
    private static boolean mergeResults(List<Path> files, Path merged) throws IOException {
        ArrayNode all = JsonFiles.MAPPER.createArrayNode();
        for (Path f : files) {
            if (Files.exists(f)) {
                all.addAll((ArrayNode) JsonFiles.tree(f));
                Files.delete(f);
            }
        }
        JsonFiles.writeFile(merged, all);
        return !all.isEmpty();
    }

    /** A run that ended without what a report needs; its message says where to look. */
    static final class RunFailed extends RuntimeException {
        RunFailed(String message) {
            super(message);
        }
    }

    private static Map<String, Object> environment(RunSettings settings, Instant started) {
        Mode mode = settings.mode();
        String db = settings.db();
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("database", db);
        env.put("database product", databaseProduct(db));
        env.put("mode", switch (mode) {
            case QUICK -> ("quick (`./compare`): one warm JVM per style, the styles of each benchmark taking turns "
                    + "one measured iteration each (interleaved), " + QuickPlan.describe(db));
            case FULL -> "full (`./compare --full`): a fresh JVM per benchmark and style, 3 forks";
            case SMOKE -> "smoke (the test): in-process, one short iteration; the numbers mean nothing";
        });
        env.put("stores", String.join(", ", settings.stores()));
        List<String> selected = new ArrayList<>(settings.queryBenchmarks());
        if (settings.startup()) {
            selected.add("start-up");
        }
        selected.addAll(settings.contention());
        if (!settings.requests().isEmpty()) {
            selected.add("requests " + settings.requests());
        }
        env.put("benchmarks", settings.bench().map(p -> "--bench " + p.pattern() + ": " + String.join(", ", selected)).orElse("all"));
        env.put("data", "%,d users × %d purchases".formatted(settings.users(), DataSet.PURCHASES_PER_USER));
        env.put("date", DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        env.put("wall time", formatDuration(Duration.between(started, Instant.now())));
        env.put("git commit", System.getProperty("fourways.git.commit", "unknown"));
        env.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        env.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("memory", "%,d MB max heap in this JVM; benchmark JVMs run with -Xms2g -Xmx2g -XX:+AlwaysPreTouch".formatted(Runtime.getRuntime().maxMemory() >> 20));
        env.put("libraries", libraries());
        return env;
    }

    private static String databaseProduct(String db) {
        DatabaseSettings settings = StoreBenchmark.settings(db);
        try (IsolatedDatabase database = IsolatedDatabase.create(settings, "env");
             Connection c = database.dataSource().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " (driver "
                    + meta.getDriverName() + " " + meta.getDriverVersion() + "), " + settings.url().replaceAll("\\?.*", "");
        } catch (SQLException e) {
            return "unknown: " + e.getMessage();
        }
    }

    /** The pinned versions, written into the jar by Maven resource filtering. */
    private static String libraries() {
        Properties versions = new Properties();
        try (InputStream in = Compare.class.getResourceAsStream("/fourways-versions.properties")) {
            versions.load(in);
        } catch (IOException | NullPointerException e) {
            return "unknown (fourways-versions.properties missing)";
        }
        List<String> found = new ArrayList<>();
        versions.stringPropertyNames().stream().sorted(String.CASE_INSENSITIVE_ORDER)
                .forEach(name -> found.add(name + " " + versions.getProperty(name)));
        return String.join(", ", found);
    }

    private static String formatDuration(Duration d) {
        return "%d min %02d s".formatted(d.toMinutes(), d.toSecondsPart());
    }
}
