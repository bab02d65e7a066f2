package dev.fourways.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.UnCloseablePrintStream;
import org.openjdk.jmh.util.Utils;

/**
 * One style's JVM in quick mode. It stays up for the whole run and runs, one at a time, the
 * benchmarks {@link Compare} sends it on standard input, each as a JMH run without forks inside
 * this JVM, so the style's shared code (and H2's) stays compiled between benchmarks, as in an
 * application. Because every style has such a JVM, {@code Compare} runs each benchmark in all of
 * them at once, the styles taking {@link Turns} one measured iteration each (interleaved), so that a slow
 * minute on a shared machine falls on every style of that benchmark alike instead of on one
 * style's whole run.
 *
 * <p>Protocol, one line each: {@code INCLUDE-REGEX<TAB>RESULT-FILE<TAB>WARMUPS-FILE<TAB>}{@link QuickPlan#protocol()}{@code <TAB>THREADS[<TAB>turns]}
 * runs the matching benchmarks with that plan on that many JMH threads (1 but for the contention and request benchmarks), writes JMH's JSON to the result file, appends the
 * warm-up evidence from JMH's typed results to the warm-up file ({@link ProgressFormat}), then
 * prints {@value #DONE}; {@code exit} (or end of input) ends the JVM. With {@value #TURNS}, every
 * iteration first waits for its turn ({@link Turns}): the worker prints {@value Turns#ASK} and
 * reads {@value Turns#GO} from the same input. Arguments: {@code store db users}.
 */
public final class StyleWorker {

    /** Printed on standard output when a requested run is over. */
    static final String DONE = "# fourways: run done";
    /** The last field of a request whose iterations take {@link Turns} with the other styles'. */
    static final String TURNS = "turns";

    private StyleWorker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: StyleWorker store db users");
        }
        String store = args[0];
        String db = args[1];
        String users = args[2];
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        KeptTrials.enable();
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            String[] request = line.split("\t");
            QuickPlan plan = QuickPlan.parse(request, 3);
            Options options = new OptionsBuilder().include(request[0])
                    .param("store", store).param("db", db).param("users", users)
                    .forks(0).threads(request.length > 7 ? Integer.parseInt(request[7]) : 1)
                    .warmupIterations(plan.warmups()).warmupTime(TimeValue.fromString(plan.warmupTime()))
                    .measurementIterations(plan.measurements()).measurementTime(TimeValue.fromString(plan.measurementTime()))
                    .addProfiler(GCProfiler.class)
                    .resultFormat(ResultFormatType.JSON).result(request[1])
                    .shouldFailOnError(false)
                    .build();
            // JMH closes its output at the end of a run: System.out must survive it, as in JMH's own default.
            PrintStream out = new UnCloseablePrintStream(System.out, Utils.guessConsoleEncoding());
            Runnable run = () -> {
                try {
                    new Runner(options, ProgressFormat.over(out, 0, Path.of(request[2]))).run();
                } catch (RunnerException | RuntimeException e) {
                    e.printStackTrace(System.out);
                }
            };
            if (request.length > 8 && TURNS.equals(request[8])) {
                Turns.during(in, run);
            } else {
                run.run();
            }
            System.out.println(DONE);
            System.out.flush();
        }
        KeptTrials.closeKept(); // drops a kept database on a server
    }
}
