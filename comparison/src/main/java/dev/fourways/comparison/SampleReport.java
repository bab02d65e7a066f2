package dev.fourways.comparison;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The committed sample report's figures ({@code docs/sample-report/<database>-run<n>/results.json},
 * JMH's JSON): time per call, allocation per call and start-up time, per database, run, style and
 * benchmark. A benchmark belongs to an operation when its name is the operation's or starts with it
 * followed by a capital ({@code pageShallow} and {@code pageDeep} are {@code page}).
 */
public final class SampleReport {

    /** Where the committed report lives, relative to the repository's root. */
    public static final String DIR = "docs/sample-report";
    /** The databases of the report, in its order. */
    public static final List<String> DATABASES = List.of("h2", "postgresql", "mariadb");
    /** The runs of each database. */
    public static final List<Integer> RUNS = List.of(1, 2);

    /**
     * One JMH result.
     *
     * @param database   the database
     * @param run        1 or 2
     * @param benchmark  the benchmark method's name ({@code pageDeep})
     * @param style      the store's provider name
     * @param score      the mean: µs per call, or ms for the start-up benchmark
     * @param bytesPerOp bytes allocated per call ({@code gc.alloc.rate.norm}), NaN when not measured
     */
    public record Result(String database, int run, String benchmark, String style, double score, double bytesPerOp) {
    }

    private final List<Result> results;

    private SampleReport(List<Result> results) {
        this.results = results;
    }

    /** Reads every run present; a missing run is skipped (its figures show as "—"). */
    public static SampleReport read(Path root) {
        ObjectMapper json = new ObjectMapper();
        List<Result> results = new ArrayList<>();
        for (String db : DATABASES) {
            for (int run : RUNS) {
                Path file = root.resolve(DIR).resolve(db + "-run" + run).resolve("results.json");
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    for (JsonNode r : json.readTree(file.toFile())) {
                        String benchmark = r.get("benchmark").asText();
                        JsonNode norm = r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
                        results.add(new Result(db, run, benchmark.substring(benchmark.lastIndexOf('.') + 1),
                                r.path("params").path("store").asText(), r.path("primaryMetric").path("score").asDouble(),
                                norm.isMissingNode() ? Double.NaN : norm.asDouble()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return new SampleReport(results);
    }

    /** @return the benchmarks that time the operation, in report order */
    public List<String> benchmarksOf(String operation) {
        return results.stream().map(Result::benchmark)
                .filter(b -> b.equals(operation) || (b.startsWith(operation) && b.length() > operation.length()
                        && Character.isUpperCase(b.charAt(operation.length()))))
                .distinct().toList();
    }

    /**
     * The runs the sample holds for one database, in order: 1, or 1 and 2. A database the sample
     * has no run of gives run 1, so that its figures show as "—".
     */
    public List<Integer> runsOf(String database) {
        List<Integer> present = RUNS.stream()
                .filter(run -> results.stream().anyMatch(r -> r.database().equals(database) && r.run() == run)).toList();
        return present.isEmpty() ? List.of(1) : present;
    }

    /** @return the result, if the report has it */
    public Optional<Result> result(String database, int run, String benchmark, String style) {
        return results.stream().filter(r -> r.database().equals(database) && r.run() == run
                && r.benchmark().equals(benchmark) && r.style().equals(style)).findFirst();
    }

    /** @return the style's time divided by jdbc's, if both are there */
    public OptionalDouble ratio(String database, int run, String benchmark, String style) {
        Optional<Result> mine = result(database, run, benchmark, style);
        Optional<Result> floor = result(database, run, benchmark, "jdbc");
        return mine.isPresent() && floor.isPresent()
                ? OptionalDouble.of(mine.get().score() / floor.get().score()) : OptionalDouble.empty();
    }

    /** The start-up benchmark: a new JVM's first store opened and its first user read, ms. */
    public static final String STARTUP = "openAndFindFirstUser";
}
