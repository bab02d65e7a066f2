package dev.fourways.bench;

import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one command behind {@code ./compare}: runs the query-cost benchmarks and the start-up
 * benchmark for every style found (or those asked for), counts statements per operation, and
 * writes a report folder. Usage:
 *
 * <pre>
 * Compare [--quick | --full | --smoke] [--store jdbc,jooq] [--bench REGEX] [--db h2|postgresql|mariadb]
 *         [--users N] --out DIR
 * Compare --combine RUN_DIR RUN_DIR... --out DIR     (one report, the runs side by side)
 * </pre>
 */
public final class Compare {

    /** How much measuring: the calibrated quick mode, a longer full mode, or a seconds-long smoke run. */
    enum Mode { QUICK, FULL, SMOKE }

    private Compare() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<String>> options = parse(args);
        Path out = Path.of(single(options, "out", null));
        if (options.containsKey("combine")) {
            List<Results> runs = options.get("combine").stream().map(Path::of).map(Results::read).toList();
            System.out.println("Report: " + Report.write(runs, out));
            return;
        }
        Mode mode = options.containsKey("full") ? Mode.FULL : options.containsKey("smoke") ? Mode.SMOKE : Mode.QUICK;
        System.out.println("Report: " + run(mode, options, out));
    }

    /** Runs everything a report needs into {@code out} and writes the report; returns REPORT.md. */
    public static Path run(Mode mode, Map<String, List<String>> options, Path out) throws RunnerException, IOException {
        Files.createDirectories(out);
        String db = single(options, "db", "h2");
        int users = Integer.parseInt(single(options, "users", mode == Mode.SMOKE ? "200" : "10000"));
        List<String> stores = stores(options);
        String bench = single(options, "bench", null);
        Instant started = Instant.now();
        if (mode == Mode.SMOKE) {
            // The smoke test asserts nothing about speed, so it may run beside another JMH run.
            System.setProperty("jmh.ignoreLock", "true");
        }

        System.out.printf("fourways compare (%s): stores %s on %s, %,d users; JMH prints each benchmark's progress and ETA.%n",
                mode.name().toLowerCase(), stores, db, users);
        List<Path> results = new ArrayList<>();
        List<String> benchmarks = benchmarks(bench);
        // One include for the whole list (full and smoke modes): the registry's Class.method names, as regexes.
        String queryInclude = "^dev\\.fourways\\.bench\\.(" + String.join("|", benchmarks).replace(".", "\\.") + ")$";
        Path query = out.resolve("results-query.json");
        Path log = out.resolve(Results.LOG);
        Path warmups = out.resolve(Results.WARMUPS);
        Files.deleteIfExists(log);
        Files.deleteIfExists(warmups);
        if (benchmarks.isEmpty()) {
            System.out.println("No query benchmark matches --bench " + bench);
        } else if (mode == Mode.QUICK) {
            try (PrintStream console = ConsoleLog.stream(log);
                 StyleWorkers workers = StyleWorkers.start(stores, db, users, List.of(passThrough()), console)) {
                results.addAll(workers.runInterleaved(benchmarks, QuickPlan::of, out));
            }
        } else {
            try (PrintStream console = ConsoleLog.stream(log)) {
                new Runner(queryOptions(mode, queryInclude, stores, db, users, query).build(),
                        ProgressFormat.over(console, benchmarks.size() * stores.size(), warmups)).run();
            }
            results.add(query);
        }
        if (bench == null || Pattern.compile(bench, Pattern.CASE_INSENSITIVE).matcher("startup openAndFindFirstUser").find()) {
            Path startup = out.resolve("results-startup.json");
            try (PrintStream console = ConsoleLog.stream(log)) {
                new Runner(startupOptions(mode, stores, db, out, startup), ProgressFormat.over(console, stores.size(), warmups)).run();
            }
            results.add(startup);
        }
        mergeResults(results, out.resolve(Results.RESULTS));

        System.out.println("Counting statements per operation (datasource-proxy, outside any timing)...");
        Map<String, Object> census = new LinkedHashMap<>();
        census.put("database", db);
        census.put("users", StatementCensus.USERS);
        Map<String, Map<String, StatementCensus.Count>> counts = StatementCensus.count(StoreBenchmark.settings(db), stores);
        census.put("statements", perOperation(counts, StatementCensus.Count::statements));
        census.put("commits", perOperation(counts, StatementCensus.Count::commits));
        Files.writeString(out.resolve(Results.STATEMENTS), Json.write(census), StandardCharsets.UTF_8);

        Map<String, Object> environment = environment(mode, db, users, stores, started);
        Files.writeString(out.resolve(Results.ENVIRONMENT), Json.write(environment), StandardCharsets.UTF_8);
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

    /**
     * The query-cost benchmarks whose method name matches the regex (all when it is null), as
     * {@code Class.method}: the benchmark classes in {@link Operations#BENCHMARK_CLASSES} order, each
     * class's operations in {@link Operations#ALL} order (JMH sorts methods by name; this order
     * groups related benchmarks, as the report does).
     */
    static List<String> benchmarks(String regex) {
        Pattern pattern = Pattern.compile("^(" + (regex == null ? ".*" : regex) + ")$");
        List<String> found = new ArrayList<>();
        for (Class<? extends StoreBenchmark> c : Operations.BENCHMARK_CLASSES) {
            for (Operations.Operation op : Operations.ALL) {
                if (op.benchmark() == c && pattern.matcher(op.name()).matches()) {
                    found.add(op.benchmarkName());
                }
            }
        }
        return found;
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

    @SuppressWarnings("unchecked")
    private static void mergeResults(List<Path> files, Path merged) throws IOException {
        List<Object> all = new ArrayList<>();
        for (Path f : files) {
            if (Files.exists(f)) {
                all.addAll((List<Object>) Json.parse(Results.text(f)));
                Files.delete(f);
            }
        }
        Files.writeString(merged, Json.write(all), StandardCharsets.UTF_8);
    }

    /** The styles asked for ({@code --store}), or every style found; in {@link Styles#found()} order, jdbc always first. */
    private static List<String> stores(Map<String, List<String>> options) {
        List<String> found = Styles.found();
        String asked = single(options, "store", null);
        if (asked == null) {
            return found;
        }
        List<String> stores = new ArrayList<>();
        for (String s : asked.split(",")) {
            if (!found.contains(s.trim())) {
                throw new IllegalArgumentException("--store: no style named '" + s + "'; found " + found);
            }
            stores.add(s.trim());
        }
        // jdbc is the floor every ratio divides by: always measured.
        if (!stores.contains("jdbc")) {
            stores.add(0, "jdbc");
        }
        return Styles.inOrder(stores);
    }

    private static Map<String, Object> environment(Mode mode, String db, int users, List<String> stores, Instant started) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("database", db);
        env.put("database product", databaseProduct(db));
        env.put("mode", switch (mode) {
            case QUICK -> ("quick (`./compare`): one warm JVM per style, the styles of each benchmark run back to back "
                    + "(interleaved), " + QuickPlan.describe());
            case FULL -> "full (`./compare --full`): a fresh JVM per benchmark and style, 3 forks";
            case SMOKE -> "smoke (the test): in-process, one short iteration; the numbers mean nothing";
        });
        env.put("stores", String.join(", ", stores));
        env.put("data", "%,d users × %d purchases".formatted(users, DataSet.PURCHASES_PER_USER));
        env.put("date", DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        env.put("wall time", formatDuration(Duration.between(started, Instant.now())));
        env.put("git commit", System.getProperty("fourways.git.commit", "unknown"));
        env.put("JDK", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        env.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("memory", "%,d MB max heap in this JVM; benchmark JVMs run with -Xms2g -Xmx2g".formatted(Runtime.getRuntime().maxMemory() >> 20));
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

    private static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        String key = null;
        for (String arg : args) {
            if (arg.startsWith("--")) {
                key = arg.substring(2);
                options.put(key, new ArrayList<>());
            } else if (key != null) {
                options.get(key).add(arg);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options start with --)");
            }
        }
        List<String> known = List.of("quick", "full", "smoke", "store", "bench", "db", "users", "out", "combine");
        options.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
            throw new IllegalArgumentException("unknown option --" + k + "; known: --" + String.join(", --", known));
        });
        if (!options.containsKey("out")) {
            throw new IllegalArgumentException("--out DIR is required");
        }
        return options;
    }

    private static String single(Map<String, List<String>> options, String key, String fallback) {
        List<String> values = options.get(key);
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        return values.get(0);
    }
}
