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
    static final String ENVIRONMENT = "environment.json";
    static final String LOG = "jmh.log";
    private static final java.util.regex.Pattern ITERATION =
            java.util.regex.Pattern.compile("^(# Warmup )?Iteration\\s+\\d+: ([0-9.]+) (\\S+/op)");

    /**
     * Warm-up evidence for one benchmark and store, from JMH's console log.
     *
     * @param lastWarmup the last warm-up iteration's score (mean over forks), µs
     * @param measured   the mean of the measured iterations, µs
     */
    record Warmup(String operation, String store, double lastWarmup, double measured) {
        double ratio() {
            return lastWarmup / measured;
        }
    }

    /** Reads the last warm-up and the measured iterations of every benchmark from {@code jmh.log}. */
    List<Warmup> warmups() {
        Path log = dir.resolve(LOG);
        List<Warmup> found = new ArrayList<>();
        if (!Files.exists(log)) {
            return found;
        }
        String operation = null;
        String store = null;
        List<Double> lastWarmups = new ArrayList<>();
        List<Double> measured = new ArrayList<>();
        Double warm = null;
        for (String line : text(log).split("\n")) {
            if (line.startsWith("# Benchmark: ") || line.startsWith("# Run complete")) {
                add(found, operation, store, lastWarmups, measured);
                String[] parts = line.substring("# Benchmark: ".length()).trim().split("\\.");
                operation = parts[parts.length - 1];
                lastWarmups = new ArrayList<>();
                measured = new ArrayList<>();
            } else if (line.startsWith("# Parameters: ")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("store = (\\w+)").matcher(line);
                store = m.find() ? m.group(1) : null;
            } else {
                java.util.regex.Matcher m = ITERATION.matcher(line);
                if (m.find()) {
                    double value = Double.parseDouble(m.group(2)) * microsPer(m.group(3));
                    if (m.group(1) != null) {
                        warm = value;
                    } else {
                        if (warm != null) {
                            lastWarmups.add(warm);
                            warm = null;
                        }
                        measured.add(value);
                    }
                }
            }
        }
        add(found, operation, store, lastWarmups, measured);
        return found;
    }

    private static void add(List<Warmup> found, String operation, String store, List<Double> lastWarmups, List<Double> measured) {
        if (operation != null && store != null && !lastWarmups.isEmpty() && !measured.isEmpty()) {
            found.add(new Warmup(operation, store, lastWarmups.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                    measured.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        }
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
        Map<String, Object> env = (Map<String, Object>) Json.parse(text(dir.resolve(ENVIRONMENT)));
        Map<String, String> environment = new LinkedHashMap<>();
        env.forEach((k, v) -> environment.put(k, v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue())
                : String.valueOf(v)));
        List<Score> scores = new ArrayList<>();
        for (Object o : (List<Object>) Json.parse(text(dir.resolve(RESULTS)))) {
            scores.add(score((Map<String, Object>) o));
        }
        Map<String, Map<String, Integer>> statements = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> commits = new LinkedHashMap<>();
        Path census = dir.resolve(STATEMENTS);
        if (Files.exists(census)) {
            Map<String, Object> c = (Map<String, Object>) Json.parse(text(census));
            perOperation((Map<String, Object>) c.get("statements"), statements);
            perOperation((Map<String, Object>) c.get("commits"), commits);
        }
        Map<String, List<Long>> classes = new LinkedHashMap<>();
        Path startup = dir.resolve(STARTUP_CLASSES);
        if (Files.exists(startup)) {
            for (String line : text(startup).split("\n")) {
                if (!line.isBlank()) {
                    Map<String, Object> m = (Map<String, Object>) Json.parse(line);
                    classes.computeIfAbsent((String) m.get("store"), k -> new ArrayList<>())
                            .add(((Double) m.get("classesLoaded")).longValue());
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
            ((Map<String, Object>) ops).forEach((op, n) -> perOp.put(op, ((Double) n).intValue()));
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
        if (o instanceof Double d) {
            return d;
        }
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double microsPer(String unit) {
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
