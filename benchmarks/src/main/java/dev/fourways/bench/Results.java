package dev.fourways.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run's output folder, read back for the report: JMH's {@code results.json}, the statement
 * census, the start-up class counts and the environment. Several runs (say H2 and PostgreSQL)
 * can be read and reported side by side.
 *
 * @param dir         the folder
 * @param db          the database the run used (h2, postgresql, mariadb)
 * @param label       how the report names the run: the database, numbered when a report has two runs of one database
 * @param scores      every JMH result, one per benchmark and store
 * @param statements  per store, per operation, round trips of one call
 * @param commits     per store, per operation, commits and rollbacks of one call (explicit transactions)
 * @param startupClasses per store, the classes each fork loaded during start-up
 * @param environment what the run ran on, in display order
 */
record Results(Path dir, String db, String label, List<Score> scores, Map<String, Map<String, Integer>> statements,
               Map<String, Map<String, Integer>> commits, Map<String, List<Long>> startupClasses,
               Map<String, String> environment) {

    static final String RESULTS = "results.json";
    static final String STATEMENTS = "statements.json";
    static final String STARTUP_CLASSES = "startup-classes.jsonl";
    /**
     * The contention runs' JMH results: {@link ClaimThroughputBenchmark}'s, read by {@link ClaimThroughput},
     * and {@link UpsertThroughputBenchmark}'s, read by {@link UpsertThroughput} (told apart by the benchmark's name).
     */
    static final String CLAIMS = "claims.json";
    /** The request runs' JMH results ({@link RequestBenchmark}, sample mode), read by {@link RequestThroughput}. */
    static final String REQUESTS = "requests.json";
    /** {@link RequestCensus}'s counts: {@code {"statements": {store: {request: n}}, "commits": {...}}}. */
    static final String REQUEST_CENSUS = "requests-census.json";
    static final String ENVIRONMENT = "environment.json";
    static final String LOG = "jmh.log";
    /** The warm-up evidence, one JSON object a line, written by {@link ProgressFormat} from JMH's typed results. */
    static final String WARMUPS = "warmups.jsonl";

    /**
     * Warm-up evidence for one benchmark and store.
     *
     * @param operation  the benchmark method
     * @param store      the style
     * @param lastWarmup the last warm-up iteration's score (mean over forks), µs per operation
     * @param measured   the mean of the measured iterations, µs per operation
     */
    record Warmup(String operation, String store, double lastWarmup, double measured) {
        double ratio() {
            return lastWarmup / measured;
        }
    }

    /**
     * The warm-up evidence of every benchmark that had warm-up iterations, from {@value #WARMUPS};
     * empty when the run has none (smoke runs, start-up, runs written before the file existed).
     */
    @SuppressWarnings("unchecked")
    List<Warmup> warmups() {
        Path file = dir.resolve(WARMUPS);
        List<Warmup> found = new ArrayList<>();
        if (!Files.exists(file)) {
            return found;
        }
        for (String line : text(file).split("\n")) {
            if (!line.isBlank()) {
                Map<String, Object> w = (Map<String, Object>) JsonFiles.parse(line);
                found.add(new Warmup((String) w.get("operation"), (String) w.get("store"), number(w.get("lastWarmup")),
                        number(w.get("measured"))));
            }
        }
        return found;
    }

    /** Per request, per store: the statements one request sent, from {@value #REQUEST_CENSUS}; empty when not counted. */
    Map<String, Map<String, Integer>> requestStatements() {
        return requestCensus("statements");
    }

    /** Per request, per store: the commits of one request, from {@value #REQUEST_CENSUS}; empty when not counted. */
    Map<String, Map<String, Integer>> requestCommits() {
        return requestCensus("commits");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Integer>> requestCensus(String field) {
        Path file = dir.resolve(REQUEST_CENSUS);
        Map<String, Map<String, Integer>> byRequest = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return byRequest;
        }
        Map<String, Object> perStore = (Map<String, Object>) ((Map<String, Object>) JsonFiles.parse(text(file))).get(field);
        perStore.forEach((store, requests) -> ((Map<String, Object>) requests).forEach((request, n) ->
                byRequest.computeIfAbsent(request, k -> new LinkedHashMap<>()).put(store, ((Number) n).intValue())));
        return byRequest;
    }

    /**
     * One JMH result.
     *
     * @param className   the benchmark class's simple name, which names its family
     * @param operation   the benchmark method, named after the {@code UserStore} operation
     * @param store       the style
     * @param micros      the score in µs per operation (ms for start-up are converted too)
     * @param errorMicros the 99.9 % confidence half-width, NaN when JMH had too few samples
     * @param bytesPerOp  {@code gc.alloc.rate.norm}, when measured and meaningful
     * @param settings    the JMH settings of this benchmark, for the report
     */
    record Score(String className, String operation, String store, double micros, double errorMicros,
                 Optional<Double> bytesPerOp, String settings) {
    }

    /** Reads a run folder written by {@link Compare}. */
    @SuppressWarnings("unchecked")
    static Results read(Path dir) {
        Map<String, Object> env = (Map<String, Object>) JsonFiles.parse(text(dir.resolve(ENVIRONMENT)));
        Map<String, String> environment = new LinkedHashMap<>();
        // Old folders wrote integers as 2.0: shown as 2, as today's folders have them.
        env.forEach((k, v) -> environment.put(k, v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue())
                : String.valueOf(v)));
        List<Score> scores = new ArrayList<>();
        for (Object o : (List<Object>) JsonFiles.parse(text(dir.resolve(RESULTS)))) {
            scores.add(score((Map<String, Object>) o));
        }
        Map<String, Map<String, Integer>> statements = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> commits = new LinkedHashMap<>();
        Path census = dir.resolve(STATEMENTS);
        if (Files.exists(census)) {
            Map<String, Object> c = (Map<String, Object>) JsonFiles.parse(text(census));
            perOperation((Map<String, Object>) c.get("statements"), statements);
            perOperation((Map<String, Object>) c.get("commits"), commits);
        }
        Map<String, List<Long>> classes = new LinkedHashMap<>();
        Path startup = dir.resolve(STARTUP_CLASSES);
        if (Files.exists(startup)) {
            for (String line : text(startup).split("\n")) {
                if (!line.isBlank()) {
                    Map<String, Object> m = (Map<String, Object>) JsonFiles.parse(line);
                    classes.computeIfAbsent((String) m.get("store"), k -> new ArrayList<>())
                            .add(((Number) m.get("classesLoaded")).longValue());
                }
            }
        }
        String db = environment.getOrDefault("database", "h2");
        return new Results(dir, db, db, scores, statements, commits, classes, environment);
    }

    /** Reads {@code {store: {operation: n}}} from the census; a census written before commits were counted has none. */
    @SuppressWarnings("unchecked")
    private static void perOperation(Map<String, Object> counts, Map<String, Map<String, Integer>> into) {
        if (counts == null) {
            return;
        }
        counts.forEach((store, ops) -> {
            Map<String, Integer> perOp = new LinkedHashMap<>();
            ((Map<String, Object>) ops).forEach((op, n) -> perOp.put(op, ((Number) n).intValue()));
            into.put(store, perOp);
        });
    }

    @SuppressWarnings("unchecked")
    private static Score score(Map<String, Object> r) {
        String benchmark = (String) r.get("benchmark");
        String[] parts = benchmark.split("\\.");
        Map<String, Object> params = (Map<String, Object>) r.get("params");
        Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
        double toMicros = microsPer((String) primary.get("scoreUnit"));
        Optional<Double> bytes = Optional.empty();
        Map<String, Object> secondary = (Map<String, Object>) r.get("secondaryMetrics");
        // In batch mode the GC profiler's per-op figure includes the iteration's own setup, so it
        // is left out rather than shown wrong.
        if (secondary != null && secondary.containsKey("gc.alloc.rate.norm") && !"ss".equals(r.get("mode"))) {
            bytes = Optional.of(number(((Map<String, Object>) secondary.get("gc.alloc.rate.norm")).get("score")));
        }
        return new Score(parts[parts.length - 2], parts[parts.length - 1], (String) params.get("store"),
                number(primary.get("score")) * toMicros, number(primary.get("scoreError")) * toMicros, bytes,
                settings(r));
    }

    private static String settings(Map<String, Object> r) {
        String mode = (String) r.get("mode");
        String warmup = "ss".equals(mode) && r.get("warmupBatchSize") != null && number(r.get("warmupBatchSize")) > 1
                ? "%d × batch of %d".formatted(count(r.get("warmupIterations")), count(r.get("warmupBatchSize")))
                : "%d × %s".formatted(count(r.get("warmupIterations")), r.get("warmupTime"));
        String measurement = "ss".equals(mode) && number(r.get("measurementBatchSize")) > 1
                ? "%d × batch of %d".formatted(count(r.get("measurementIterations")), count(r.get("measurementBatchSize")))
                : "%d × %s".formatted(count(r.get("measurementIterations")), r.get("measurementTime"));
        return "mode " + mode + ", forks " + count(r.get("forks")) + ", warm-up " + warmup + ", measurement " + measurement;
    }

    private static long count(Object o) {
        return (long) number(o);
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Whether a JMH score unit is a time per operation ({@code us/op}...), not a rate ({@code ops/s}). */
    static boolean isTimePerOperation(String unit) {
        return unit.endsWith("/op");
    }

    /** How many µs one of JMH's score units ({@code ns/op}, {@code us/op}, {@code ms/op}, {@code s/op}) is. */
    static double microsPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 0.001;
            case "us/op" -> 1;
            case "ms/op" -> 1_000;
            case "s/op" -> 1_000_000;
            default -> throw new IllegalArgumentException("unexpected JMH unit " + unit + " (use a time per operation)");
        };
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The same run under another label. */
    Results withLabel(String newLabel) {
        return new Results(dir, db, newLabel, scores, statements, commits, startupClasses, environment);
    }

    /** The score of one operation and store, if the run has it. */
    Optional<Score> find(String operation, String store) {
        return scores.stream().filter(s -> s.operation().equals(operation) && s.store().equals(store)).findFirst();
    }

    /** The stores the run covered (those it was asked to measure), in {@link Styles#inOrder} order: jdbc first. */
    List<String> stores() {
        return Styles.inOrder(List.of(environment.getOrDefault("stores", "jdbc").split(",\\s*")));
    }
}
