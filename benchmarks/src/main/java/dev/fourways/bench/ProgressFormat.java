package dev.fourways.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's console output as usual (the default format, delegated to), plus what the comparison
 * needs from JMH's typed callbacks rather than from its text:
 *
 * <ul>
 *   <li><b>progress</b>: before each benchmark, {@code # fourways: benchmark i of n} (when
 *       {@code n} is known; quick mode's scheduler prints its own, see {@link StyleWorkers});</li>
 *   <li><b>the warm-up evidence</b>: after each benchmark, one JSON line appended to
 *       {@code warmups.jsonl} ({@link Results#WARMUPS}) with the benchmark's operation, its store,
 *       the last warm-up iteration's score and the mean of the measured iterations, both in µs per
 *       operation (with forks: the last warm-up of each fork, averaged). The report's warm-up check
 *       reads it ({@link Results#warmups()}).</li>
 * </ul>
 *
 * <p>JMH calls an {@code OutputFormat} from one thread, in the host JVM even when the benchmark
 * runs in forks ({@code iterationResult} arrives over JMH's binary link), so there is no locking.
 */
final class ProgressFormat implements OutputFormat {

    private final OutputFormat text;
    private final int total;
    private final Path warmups;
    private int started;
    private RunEstimate estimate;
    private BenchmarkParams current;
    private Double lastWarmup;
    private final List<Double> lastWarmups = new ArrayList<>();
    private final List<Double> measured = new ArrayList<>();

    /**
     * @param text    JMH's console format, which prints everything
     * @param total   benchmarks this format will see, for the progress line; 0 prints none
     * @param warmups the file the warm-up records are appended to (created when missing)
     */
    ProgressFormat(OutputFormat text, int total, Path warmups) {
        this.text = text;
        this.total = total;
        this.warmups = warmups;
    }

    /** JMH's default console format on {@code out}, wrapped; no estimate (a style's JVM in quick mode). */
    static ProgressFormat over(PrintStream out, int total, Path warmups) {
        return over(out, total, warmups, null);
    }

    /**
     * JMH's default console format on {@code out}, wrapped, with the time left for the whole run
     * after each benchmark.
     *
     * @param estimate the whole run's estimate, told of each benchmark done; null for none
     */
    static ProgressFormat over(PrintStream out, int total, Path warmups, RunEstimate estimate) {
        ProgressFormat format = new ProgressFormat(OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL), total,
                warmups);
        format.estimate = estimate;
        return format;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        current = params;
        lastWarmup = null;
        lastWarmups.clear();
        measured.clear();
        if (total > 0) {
            text.println("# fourways: benchmark " + (++started) + " of " + total);
        }
        text.startBenchmark(params);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        text.iterationResult(benchParams, params, iteration, data);
        if (!Results.isTimePerOperation(data.getScoreUnit())) {
            return; // claim throughput (ops/s): its warm-up is not compared with the measured iterations
        }
        double micros = data.getPrimaryResult().getScore() * Results.microsPer(data.getScoreUnit());
        if (params.getType() == IterationType.WARMUP) {
            lastWarmup = micros;
        } else {
            // The first measured iteration of a fork follows that fork's last warm-up.
            if (lastWarmup != null) {
                lastWarmups.add(lastWarmup);
                lastWarmup = null;
            }
            measured.add(micros);
        }
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        text.endBenchmark(result);
        if (estimate != null && current != null) {
            String benchmark = current.getBenchmark();
            if (benchmark.endsWith("." + Report.STARTUP)) {
                estimate.startupDone();
            } else if (benchmark.endsWith("." + RunSettings.CLAIMS_METHOD) || benchmark.endsWith("." + RunSettings.UPSERTS_METHOD)) {
                estimate.contentionDone(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            } else if (benchmark.contains("." + RequestBenchmark.class.getSimpleName() + ".")) {
                estimate.requestsDone(1);
            } else {
                estimate.benchmarkDone(benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1));
            }
            text.println("# fourways: " + started + " of " + total + " done, " + estimate.progress());
        }
        if (result != null && current != null && !lastWarmups.isEmpty() && !measured.isEmpty()) {
            String benchmark = current.getBenchmark();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("operation", benchmark.substring(benchmark.lastIndexOf('.') + 1));
            record.put("store", current.getParam("store"));
            record.put("lastWarmup", mean(lastWarmups));
            record.put("measured", mean(measured));
            try {
                Files.writeString(warmups, JsonFiles.line(record) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + warmups, e);
            }
        }
        current = null;
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        text.iteration(benchParams, params, iteration);
    }

    @Override
    public void startRun() {
        text.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        text.endRun(result);
    }

    @Override
    public void print(String s) {
        text.print(s);
    }

    @Override
    public void println(String s) {
        text.println(s);
    }

    @Override
    public void flush() {
        text.flush();
    }

    @Override
    public void close() {
        text.close();
    }

    @Override
    public void verbosePrintln(String s) {
        text.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        text.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        text.write(b);
    }
}
