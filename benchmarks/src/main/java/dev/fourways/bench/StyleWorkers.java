package dev.fourways.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Quick mode's scheduler: one {@link StyleWorker} JVM per style, all started at once and kept
 * warm, and the benchmarks run <em>interleaved</em>: benchmark 1 for every style back to back,
 * then benchmark 2 for every style, and so on, the order of the styles rotating by one from each
 * benchmark to the next (so jdbc is not always first). Every ratio then divides two results
 * measured within a minute of each other; the machine's drift over a quarter of an hour no longer
 * lands on one style's whole run.
 */
final class StyleWorkers implements AutoCloseable {

    /** The same heap and flags as the forks of the plain JMH command line, and UTF-8 output (± and ≈). */
    private static final List<String> JVM_ARGS = List.of("-Xms2g", "-Xmx2g", "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8");

    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final PrintStream console;

    private StyleWorkers(PrintStream console) {
        this.console = console;
    }

    /**
     * Starts one worker JVM per store.
     *
     * @param passThrough JVM options for every worker (the {@code fourways.db.*} overrides)
     */
    static StyleWorkers start(List<String> stores, String db, int users, List<String> passThrough, PrintStream console)
            throws IOException {
        StyleWorkers all = new StyleWorkers(console);
        for (String store : stores) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            command.addAll(JVM_ARGS);
            command.addAll(passThrough);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), StyleWorker.class.getName(), store, db,
                    String.valueOf(users)));
            all.workers.put(store, new Worker(store, new ProcessBuilder(command).redirectErrorStream(true).start(), console));
        }
        return all;
    }

    /**
     * Runs every benchmark for every store, interleaved, and returns the JMH result files, one per
     * benchmark and store (a file is missing when the trial failed: the log says why). The workers
     * append the warm-up evidence to {@code out}/{@value Results#WARMUPS}. Progress goes to the
     * console from this scheduler's own count: {@code # fourways: benchmark i of n (...)} before
     * each run, {@code # fourways: i of n runs done (...)} with the time left for the whole run after it ({@link RunEstimate}).
     *
     * @param benchmarks {@code Class.method} names, in run order
     * @param plans      how long each benchmark warms up and measures
     */
    List<Path> runInterleaved(List<String> benchmarks, java.util.function.Function<String, QuickPlan> plans, Path out,
                              RunEstimate estimate) throws IOException {
        List<String> stores = List.copyOf(workers.keySet());
        List<Path> files = new ArrayList<>();
        int total = benchmarks.size() * stores.size();
        int done = 0;
        for (int b = 0; b < benchmarks.size(); b++) {
            for (int s = 0; s < stores.size(); s++) {
                String store = stores.get((s + b) % stores.size());
                Path file = out.resolve("results-" + b + "-" + store + ".json");
                console.printf("# fourways: benchmark %d of %d (%s on %s)%n", done + 1, total, benchmarks.get(b), store);
                workers.get(store).run("^dev\\.fourways\\.bench\\." + benchmarks.get(b).replace(".", "\\.") + "$", file,
                        out.resolve(Results.WARMUPS), plans.apply(benchmarks.get(b)));
                files.add(file);
                done++;
                estimate.benchmarkDone(benchmarks.get(b));
                console.printf("# fourways: %d of %d runs done (%s on %s), %s%n", done, total, benchmarks.get(b), store,
                        estimate.progress());
            }
        }
        return files;
    }

    /**
     * Runs the contention benchmarks ({@link ClaimThroughputBenchmark}, {@link UpsertThroughputBenchmark})
     * in every worker, one benchmark after the other, each at every worker-thread count: every style
     * at the first count, then every style at the next, the styles' order rotating as in
     * {@link #runInterleaved}. Returns the JMH result files; the warm-up evidence is not kept (a
     * rate, not a time per call).
     *
     * @param benchmarks {@link RunSettings#contention()}: {@code Class.method} names
     */
    List<Path> runContention(List<String> benchmarks, List<Integer> threadCounts, Path out, RunEstimate estimate)
            throws IOException {
        List<Path> files = new ArrayList<>();
        for (String benchmark : benchmarks) {
            String include = "^dev\\.fourways\\.bench\\." + benchmark.replace(".", "\\.") + "$";
            String method = benchmark.substring(benchmark.indexOf('.') + 1);
            files.addAll(runAtThreadCounts(method, include, method, QuickPlan.ofContention(method), threadCounts, out,
                    () -> estimate.contentionDone(method), estimate));
        }
        return files;
    }

    /**
     * Runs {@link RequestBenchmark}'s selected requests in every worker at each thread count, as
     * {@link #runContention} runs the claims. Returns the JMH result files.
     *
     * @param requests the request methods to run ({@link RequestThroughput#REQUESTS} or some of them)
     */
    List<Path> runRequests(List<String> requests, List<Integer> threadCounts, Path out, RunEstimate estimate) throws IOException {
        String include = "^dev\\.fourways\\.bench\\.RequestBenchmark\\.(" + String.join("|", requests) + ")$";
        return runAtThreadCounts("requests", include, "requests", QuickPlan.REQUESTS, threadCounts, out,
                () -> estimate.requestsDone(requests.size()), estimate);
    }

    private List<Path> runAtThreadCounts(String what, String include, String prefix, QuickPlan plan, List<Integer> threadCounts,
                                         Path out, Runnable done, RunEstimate estimate) throws IOException {
        List<String> stores = List.copyOf(workers.keySet());
        List<Path> files = new ArrayList<>();
        Path warmups = out.resolve("warmups-" + prefix + ".jsonl");
        for (int t = 0; t < threadCounts.size(); t++) {
            int threads = threadCounts.get(t);
            for (int s = 0; s < stores.size(); s++) {
                String store = stores.get((s + t) % stores.size());
                Path file = out.resolve("results-" + prefix + "-" + threads + "-" + store + ".json");
                console.printf("# fourways: %s at %d thread%s on %s%n", what, threads, threads == 1 ? "" : "s", store);
                workers.get(store).run(include, file, warmups, plan, threads);
                files.add(file);
                done.run();
                console.printf("# fourways: %s at %d on %s done, %s%n", what, threads, store, estimate.progress());
            }
        }
        Files.deleteIfExists(warmups);
        return files;
    }

    @Override
    public void close() {
        workers.values().forEach(Worker::close);
    }

    /** One worker JVM: its input, and a thread that copies its output to the console and notices each run's end. */
    private static final class Worker {
        private final String store;
        private final Process process;
        private final Writer input;
        private final Semaphore runEnded = new Semaphore(0);
        private volatile boolean alive = true;

        Worker(String store, Process process, PrintStream console) {
            this.store = store;
            this.process = process;
            this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread copier = new Thread(() -> copy(console), "output of " + store);
            copier.setDaemon(true);
            copier.start();
        }

        private void copy(PrintStream console) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals(StyleWorker.DONE)) {
                        runEnded.release();
                    } else {
                        synchronized (console) {
                            console.println(line);
                        }
                    }
                }
            } catch (IOException e) {
                console.println("# fourways: lost the output of " + store + ": " + e.getMessage());
            } finally {
                alive = false;
                runEnded.release(Integer.MAX_VALUE / 2);
            }
        }

        void run(String include, Path result, Path warmups, QuickPlan plan) throws IOException {
            run(include, result, warmups, plan, 1);
        }

        void run(String include, Path result, Path warmups, QuickPlan plan, int threads) throws IOException {
            if (!alive) {
                return;
            }
            try {
                input.write(include + "\t" + result.toAbsolutePath() + "\t" + warmups.toAbsolutePath() + "\t" + plan.protocol()
                        + "\t" + threads + "\n");
                input.flush();
                runEnded.acquire();
            } catch (IOException e) {
                alive = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + store + " ran", e);
            }
        }

        void close() {
            try {
                input.write("exit\n");
                input.close();
                process.waitFor();
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
            }
        }
    }
}
