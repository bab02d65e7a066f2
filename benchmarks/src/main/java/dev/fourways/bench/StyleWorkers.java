package dev.fourways.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Quick mode's scheduler: one {@link StyleWorker} JVM per style, all started at once and kept
 * warm. The query benchmarks run <em>interleaved</em> at the scale of one JMH iteration: every
 * style's JVM runs benchmark 1 at once, but they take {@link Turns}: each style's trial setup and
 * warm-up, one style after the other, then one measured iteration each (jdbc's 250 ms, then the
 * next style's...), the styles' order rotating by one from each benchmark to the next and from
 * each round of measured iterations to the next; then
 * benchmark 2, and so on. Every ratio then divides two results whose iterations were
 * measured within seconds of each other, so the machine's drift, which moves at the scale of a
 * minute here, falls on every style alike. Before, each style ran its whole warm-up and
 * measurement as one block (2.5-10 s measured), and the two runs of the previous sample agreed
 * within 10 % on 14 of 36 H2 ratios and 21 of 68 PostgreSQL ratios. The contention and request
 * benchmarks (several threads, a rate) still run one style after the other.
 */
final class StyleWorkers implements AutoCloseable {

    private static final String IGNORE_LOCK = "jmh.ignoreLock";
    /**
     * The same heap and flags as the forks of the plain JMH command line ({@link StoreBenchmark}: a
     * 2 GB heap touched at start, so no measured call pays the first touch of a page), and UTF-8
     * output (± and ≈). The workers run JMH at the same time, taking turns, so each ignores JMH's lock file; this
     * scheduler holds that lock for all of them instead ({@link #lockLikeJmh}).
     */
    static final List<String> JVM_ARGS = List.of("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8", "-Dstdout.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-D" + IGNORE_LOCK + "=true");

    private final Map<String, Worker> workers = new LinkedHashMap<>();
    /** The database the workers run on ({@code h2}, {@code postgresql}, {@code mariadb}): it picks the contention plans. */
    private final String db;
    private final PrintStream console;
    private final List<String> turns = new ArrayList<>();
    private final FileChannel jmhLock;

    private StyleWorkers(String db, PrintStream console, FileChannel jmhLock) {
        this.db = db;
        this.console = console;
        this.jmhLock = jmhLock;
    }

    /**
     * Takes JMH's own lock ({@code java.io.tmpdir/jmh.lock}, the file JMH 1.37's {@code Runner}
     * locks), so that another JMH run on this machine waits for, or is refused by, this whole
     * quick-mode run, as it would be by one JMH run. Not taken when the caller asked JMH to ignore
     * its lock ({@code -Djmh.ignoreLock=true}, as the smoke tests do).
     *
     * @return the locked file, or {@code null} when not taken
     * @throws IOException when another JMH run holds the lock, with JMH's message
     */
    private static FileChannel lockLikeJmh(List<String> passThrough) throws IOException {
        if (Boolean.getBoolean(IGNORE_LOCK) || passThrough.contains("-D" + IGNORE_LOCK + "=true")) {
            return null;
        }
        Path file = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            throw new IOException("Another JMH instance might be running: " + file + " is locked. Use -D" + IGNORE_LOCK
                    + "=true to forcefully continue.");
        }
        return channel;
    }

    /**
     * Starts one worker JVM per store.
     *
     * @param passThrough JVM options for every worker (the {@code fourways.db.*} overrides)
     */
    static StyleWorkers start(List<String> stores, String db, int users, List<String> passThrough, PrintStream console)
            throws IOException {
        StyleWorkers all = new StyleWorkers(db, console, lockLikeJmh(passThrough));
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
     * benchmark and store (a file is missing when the trial failed: the log says why). Every worker
     * starts the benchmark at once; then the workers take {@link Turns}: the trial's setup and
     * warm-up, then one measured iteration each in turn, the order of the styles rotating by one
     * from each benchmark to the next (so jdbc is not always first) and from each round of
     * measured iterations to the next (so each style is measured at every place of a round). The workers append the warm-up
     * evidence to {@code out}/{@value Results#WARMUPS}. Progress goes to the console from this
     * scheduler's own count: {@code # fourways: benchmark i of n (...)} as each benchmark starts,
     * {@code # fourways: i of n runs done (...)} with the time left for the whole run as each
     * style's run of it ends ({@link RunEstimate}).
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
            String benchmark = benchmarks.get(b);
            List<Worker> order = new ArrayList<>();
            for (int s = 0; s < stores.size(); s++) {
                String store = stores.get((s + b) % stores.size());
                Path file = out.resolve("results-" + b + "-" + store + ".json");
                files.add(file);
                order.add(workers.get(store));
            }
            console.printf("# fourways: benchmark %d of %d (%s on %s, measured iterations in turn)%n", b + 1,
                    benchmarks.size(), benchmark, String.join(", ", order.stream().map(w -> w.store).toList()));
            String include = "^dev\\.fourways\\.bench\\." + benchmark.replace(".", "\\.") + "$";
            for (Worker worker : order) {
                worker.start(include, out.resolve("results-" + b + "-" + worker.store + ".json"), out.resolve(Results.WARMUPS),
                        plans.apply(benchmark), 1, true);
            }
            // Each worker asks for its first turn, its trial setup, before doing anything.
            List<Worker> waiting = new ArrayList<>();
            for (Worker worker : order) {
                if (worker.next() == Worker.Event.ASKS) {
                    waiting.add(worker);
                } else {
                    runDone(benchmark, worker, ++done, total, estimate);
                }
            }
            // Round 0 is each style's trial setup and warm-up; from round 1 on each turn is one
            // measured iteration, and the first style moves by one from one round to the next, so
            // no style is always measured right after the same neighbour's iteration.
            for (int round = 0; !waiting.isEmpty(); round++) {
                List<Worker> thisRound = new ArrayList<>(waiting);
                java.util.Collections.rotate(thisRound, -Math.max(0, round - 1));
                for (Worker worker : thisRound) {
                    turns.add(worker.store);
                    if (worker.go() == Worker.Event.DONE) {
                        waiting.remove(worker);
                        runDone(benchmark, worker, ++done, total, estimate);
                    }
                }
            }
        }
        return files;
    }

    /** The stores in the order they were handed a turn, over the whole run (a few thousand names). */
    List<String> turnsGiven() {
        return List.copyOf(turns);
    }

    private void runDone(String benchmark, Worker worker, int done, int total, RunEstimate estimate) {
        estimate.benchmarkDone(benchmark);
        console.printf("# fourways: %d of %d runs done (%s on %s), %s%n", done, total, benchmark, worker.store,
                estimate.progress());
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
            files.addAll(runAtThreadCounts(method, include, method, QuickPlan.ofContention(method, db), threadCounts, out,
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
    public void close() throws IOException {
        workers.values().forEach(Worker::close);
        if (jmhLock != null) {
            jmhLock.close();
        }
    }

    /**
     * One worker JVM: its input, and a thread that copies its output to the console and notices
     * what the scheduler waits for: a run's end ({@value StyleWorker#DONE}) and, in a run with
     * turns, a request for the next turn ({@value Turns#ASK}).
     */
    private static final class Worker {
        /** What the scheduler hears from a worker. */
        enum Event { ASKS, DONE }

        private final String store;
        private final Process process;
        private final Writer input;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
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
                // JMH prints "# Warmup Iteration   1: " before the iteration's setup asks for the turn;
                // it is held back and printed with the iteration's result, so lines stay whole.
                String held = "";
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.equals(StyleWorker.DONE)) {
                        events.add(Event.DONE);
                    } else if (line.endsWith(Turns.ASK)) {
                        held += line.substring(0, line.length() - Turns.ASK.length());
                        events.add(Event.ASKS);
                    } else {
                        synchronized (console) {
                            console.println(held + line);
                        }
                        held = "";
                    }
                }
            } catch (IOException e) {
                console.println("# fourways: lost the output of " + store + ": " + e.getMessage());
            } finally {
                alive = false;
                events.add(Event.DONE);
            }
        }

        /** Runs one request to its end, alone (no turns). */
        void run(String include, Path result, Path warmups, QuickPlan plan, int threads) throws IOException {
            start(include, result, warmups, plan, threads, false);
            next();
        }

        /** Sends one request and returns at once; {@link #next()} then tells what the worker does. */
        void start(String include, Path result, Path warmups, QuickPlan plan, int threads, boolean turns) {
            send(include + "\t" + result.toAbsolutePath() + "\t" + warmups.toAbsolutePath() + "\t" + plan.protocol()
                    + "\t" + threads + (turns ? "\t" + StyleWorker.TURNS : ""));
        }

        /** Hands this worker the turn it asked for and waits until it asks for the next one or its run ends. */
        Event go() throws IOException {
            send(Turns.GO);
            return next();
        }

        /** Waits for the worker's next request for a turn or the end of its run (at once {@code DONE} if the JVM is gone). */
        Event next() throws IOException {
            try {
                return events.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + store + " ran", e);
            }
        }

        private void send(String line) {
            if (!alive) {
                events.add(Event.DONE);
                return;
            }
            try {
                input.write(line + "\n");
                input.flush();
            } catch (IOException e) {
                alive = false;
                events.add(Event.DONE);
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
