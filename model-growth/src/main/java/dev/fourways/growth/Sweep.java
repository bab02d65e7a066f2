package dev.fourways.growth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fourways.growth.styles.StyleStart;
import dev.fourways.growth.styles.StyleStarts;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The sweep, run by {@link Main} in a JVM whose class path holds the compiled models: the JMH
 * start-up benchmark over every style, variant and n; each style's default and
 * {@linkplain StyleStart#best() best} variant again at every n with a dynamic AppCDS archive trained
 * at that n; the phase split of every variant at the largest n; then the report ({@link ReportWriter}).
 */
public final class Sweep {

    static final List<String> FORK_FLAGS = List.of("-Xms2g", "-Xmx2g", "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.jboss.logging.provider=slf4j",
            // With JDBC metadata off at boot, Hibernate's docs ask for the dialect to be named;
            // its deprecation log line says the opposite and would print once per fork.
            "-Dorg.slf4j.simpleLogger.log.org.hibernate.orm.deprecation=error");

    /** File names of the forks' logs: {@code forks.jsonl}, and {@code forks-<label>.jsonl} for each CDS label. */
    private static final String FORK_LOGS = "forks(-.+)?\\.jsonl";

    private final SweepOptions options;
    private final Path forkLog;

    private Sweep(SweepOptions options) {
        this.options = options;
        this.forkLog = options.out().resolve("forks.jsonl");
    }

    public static void main(String[] args) throws Exception {
        new Sweep(SweepOptions.parse(args)).run();
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(options.out());
        // Every fork appends to its log: a previous sweep's logs must not mix into this one's medians.
        try (var files = Files.list(options.out())) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches(FORK_LOGS)).toList()) {
                Files.delete(f);
            }
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (String style : options.styles()) {
            List<String> variants = StyleStarts.byName(style).variants();
            times.putAll(jmh(style, variants, options.ns(), List.of(), null));
        }
        if (options.cds()) {
            for (String style : options.styles()) {
                StyleStart start = StyleStarts.byName(style);
                for (String variant : new LinkedHashSet<>(List.of("default", start.best()))) {
                    for (int n : options.ns()) {
                        Path archive = options.cache().resolve("cds-" + style + "-" + variant + "-n" + n + ".jsa");
                        train(style, variant, n, archive);
                        times.putAll(jmh(style, List.of(variant), List.of(n),
                                List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"), cdsLabel(variant)));
                    }
                }
            }
        }
        List<Point> points = points(times);
        List<PhaseSplit> phases = new ArrayList<>();
        if (options.phases()) {
            for (String style : options.styles()) {
                for (String variant : StyleStarts.byName(style).variants()) {
                    phaseSplit(style, variant, options.largestN()).ifPresent(phases::add);
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        GrowthReport report = GrowthReport.of(options, points, phases, seconds);
        List<Path> files = ReportWriter.write(report, options.out());
        System.out.printf("sweep done in %.0f s; wrote %s%n", seconds, files);
    }

    /** Runs the benchmark; returns "style/variant/n" to the fork times (ms), variant renamed to {@code label} when set. */
    private Map<String, List<Double>> jmh(String style, List<String> variants, List<Integer> ns, List<String> extraFlags, String label)
            throws Exception {
        List<String> flags = new ArrayList<>(FORK_FLAGS);
        flags.add("-D" + GrowthStartupBenchmark.CACHE_PROPERTY + "=" + options.cache());
        flags.add("-D" + GrowthStartupBenchmark.FORK_LOG_PROPERTY + "=" + (label == null ? forkLog : options.out().resolve("forks-" + label + ".jsonl")));
        flags.addAll(extraFlags);
        System.out.printf("%s %s n=%s%s: %d fork(s) each%n", style, variants, ns, label == null ? "" : " (" + label + ")", options.forks());
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("^" + GrowthStartupBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .param("style", style)
                .param("variant", variants.toArray(String[]::new))
                .param("n", ns.stream().map(String::valueOf).toArray(String[]::new))
                .forks(options.forks())
                .jvmArgs(flags.toArray(String[]::new))
                .verbosity(VerboseMode.SILENT)
                .build()).run();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (RunResult r : results) {
            String key = style + "/" + (label == null ? r.getParams().getParam("variant") : label) + "/" + r.getParams().getParam("n");
            List<Double> forks = r.getBenchmarkResults().stream().map(BenchmarkResult::getPrimaryResult).map(p -> p.getScore()).toList();
            times.put(key, forks);
            System.out.printf("  %-28s median %8.1f ms  forks %s%n", key, Stats.median(forks),
                    forks.stream().map(v -> String.format("%.0f", v)).collect(Collectors.joining(", ")));
        }
        return times;
    }

    /**
     * The label of a variant started with its AppCDS archive: {@code cds} for the default setup,
     * {@code <variant>+cds} otherwise (e.g. {@code lean+cds}).
     */
    static String cdsLabel(String variant) {
        return variant.equals("default") ? "cds" : variant + "+cds";
    }

    /** Joins the JMH times with the forks' records ({@code forks.jsonl}, and {@code forks-<label>.jsonl} per CDS label). */
    private List<Point> points(Map<String, List<Double>> times) throws IOException {
        Map<String, List<ForkRecord>> records = new LinkedHashMap<>();
        List<Path> logs;
        try (var files = Files.list(options.out())) {
            logs = files.filter(f -> f.getFileName().toString().matches(FORK_LOGS)).sorted().toList();
        }
        for (Path p : logs) {
            String file = p.getFileName().toString();
            String label = file.equals("forks.jsonl") ? null : file.substring("forks-".length(), file.length() - ".jsonl".length());
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                ForkRecord f = ForkRecord.parse(line);
                records.computeIfAbsent(f.style() + "/" + (label == null ? f.variant() : label) + "/" + f.n(), k -> new ArrayList<>()).add(f);
            }
        }
        List<Point> points = new ArrayList<>();
        times.forEach((key, ms) -> {
            String[] k = key.split("/");
            List<ForkRecord> f = records.getOrDefault(key, List.of());
            points.add(new Point(k[0], k[1], Integer.parseInt(k[2]), ms, Stats.median(ms),
                    ms.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    ms.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN),
                    Stats.median(f.stream().map(ForkRecord::heapUsedMb).toList()),
                    Stats.median(f.stream().map(ForkRecord::classesLoaded).toList()),
                    f.isEmpty() ? 0 : f.get(0).mappedTypes(),
                    Stats.median(f.stream().map(ForkRecord::cpuMs).toList())));
        });
        return points;
    }

    /** The training run of the dynamic AppCDS archive: one start-up, the archive written at exit. */
    private void train(String style, String variant, int n, Path archive) throws Exception {
        Files.deleteIfExists(archive);
        List<String> flags = new ArrayList<>(List.of("-XX:ArchiveClassesAtExit=" + archive));
        runJava(flags, PhaseRun.class.getName(), style, String.valueOf(n), variant, options.cache().toString());
        if (!Files.exists(archive)) {
            throw new IllegalStateException("no CDS archive written at " + archive);
        }
    }

    /**
     * The phase split of one variant, the median of {@code forks} fresh JVMs; empty, with the reason
     * printed, when the variant does not start at this n (MyBatis {@code onefile} at 500 tables and more).
     */
    private Optional<PhaseSplit> phaseSplit(String style, String variant, int n) throws Exception {
        System.out.printf("phase split %s/%s n=%d: %d run(s)%n", style, variant, n, options.forks());
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 0; i < options.forks(); i++) {
            String out;
            try {
                out = runJava(List.of("--add-exports", "java.management/sun.management=ALL-UNNAMED"),
                        PhaseRun.class.getName(), style, String.valueOf(n), variant, options.cache().toString());
            } catch (IllegalStateException e) {
                System.out.printf("  %s/%s does not start at n=%d, no phase split: %s%n", style, variant, n,
                        e.getMessage().lines().filter(l -> l.contains("Exception")).findFirst().orElse("see its output"));
                return Optional.empty();
            }
            String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("phase run printed no result:\n" + out));
            runs.add(json.readTree(line));
        }
        Map<String, Double> phases = new LinkedHashMap<>();
        runs.get(0).get("phases").fieldNames().forEachRemaining(name ->
                phases.put(name, Stats.median(runs.stream().map(r -> r.get("phases").path(name).asDouble()).toList())));
        return Optional.of(new PhaseSplit(style, variant, n, phases,
                Stats.median(runs.stream().map(r -> r.get("totalMs").asDouble()).toList()),
                Stats.median(runs.stream().map(r -> r.get("classLoadingMs").asDouble()).toList()),
                Stats.median(runs.stream().map(r -> r.get("classesLoaded").asDouble()).toList()), runs.size()));
    }

    /** Runs a main class of this class path in a fresh JVM with the forks' flags; returns its output. */
    private static String runJava(List<String> extraFlags, String mainClass, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(FORK_FLAGS);
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(mainClass + " " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
