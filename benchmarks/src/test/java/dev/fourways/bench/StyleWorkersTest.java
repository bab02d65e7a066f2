package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quick mode's scheduler, for real but tiny (two styles, two benchmarks, 200 users, one 20 ms
 * warm-up and two 20 ms measured iterations): every benchmark runs for every style, the styles of
 * one benchmark taking turns (the trial's setup and warm-up as one turn, then one measured
 * iteration each), the styles' order rotates from one benchmark to the next and from one measured
 * round to the next, and the workers record the warm-up evidence from JMH's typed results.
 */
class StyleWorkersTest {

    @Test
    void workersStartWithTheForksFlagsTheHeapTouchedBeforeAnythingIsTimed() {
        // given
        List<String> forkFlags = List.of(StoreBenchmark.class.getAnnotation(Fork.class).jvmArgsAppend());

        // then
        assertThat(forkFlags).as("plain JMH's forks: a 2 GB heap whose pages are touched at start, so that no "
                + "measured call pays a first-touch page fault (up to 10x per call on this machine)")
                .contains("-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");
        assertThat(StyleWorkers.JVM_ARGS).as("quick mode's worker JVMs measure under the same flags as the forks")
                .containsAll(forkFlags);
    }

    @Test
    void runsEveryBenchmarkForEveryStyleOneIterationEachInTurnInRotatingOrder(@TempDir Path out) throws Exception {
        // given
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        List<String> benchmarks = List.of("LookupBenchmarks.findById", "LookupBenchmarks.count");

        // when
        List<Path> files;
        List<String> turns;
        // The test asserts nothing about speed, so it may run beside another JMH run (JMH's lock).
        try (StyleWorkers workers = StyleWorkers.start(List.of("jdbc", "jdbi"), "h2", 200,
                List.of("-Djmh.ignoreLock=true"), console)) {
            files = workers.runInterleaved(benchmarks, b -> new QuickPlan(1, "20ms", 2, "20ms"), out,
                    RunEstimate.of(Compare.Mode.QUICK, "h2", benchmarks, 2, false));
            turns = workers.turnsGiven();
        }

        // then
        assertThat(files).hasSize(4).allSatisfy(f -> assertThat(f).as("a JMH result per benchmark and style; the workers printed:%n%s",
                printed.toString(StandardCharsets.UTF_8)).isNotEmptyFile());
        List<String> order = new ArrayList<>();
        Matcher done = Pattern.compile("runs done \\((\\S+) on (\\w+)\\)").matcher(printed.toString(StandardCharsets.UTF_8));
        while (done.find()) {
            order.add(done.group(1) + "/" + done.group(2));
        }
        assertThat(order).as("each benchmark ends for both styles, in the order of their last turns, the first style rotating")
                .containsExactly("LookupBenchmarks.findById/jdbi", "LookupBenchmarks.findById/jdbc",
                        "LookupBenchmarks.count/jdbc", "LookupBenchmarks.count/jdbi");
        assertThat(turns).as("the trial's setup with the warm-up, then one measured iteration (of 2), each style in turn, "
                        + "the first style rotating from one benchmark to the next and from one measured round to the next")
                .containsExactly("jdbc", "jdbi", "jdbc", "jdbi", "jdbi", "jdbc",
                        "jdbi", "jdbc", "jdbi", "jdbc", "jdbc", "jdbi");
        assertThat(printed.toString(StandardCharsets.UTF_8)).as("the requests for a turn are the scheduler's, not the console's")
                .doesNotContain(Turns.ASK);
        assertThat(printed.toString(StandardCharsets.UTF_8)).as("JMH's ≈ arrives as itself, not as ???").contains("≈");
        List<String> warmups = out.resolve(Results.WARMUPS).toFile().exists()
                ? Files.readAllLines(out.resolve(Results.WARMUPS)) : List.of();
        assertThat(warmups).as("one warm-up record per benchmark and style, from JMH's typed results").hasSize(4);
        List<Results.Warmup> read = Results.read(withEnvironment(out)).warmups();
        assertThat(read).extracting(w -> w.operation() + "/" + w.store())
                .containsExactly("findById/jdbi", "findById/jdbc", "count/jdbc", "count/jdbi");
        assertThat(read).allSatisfy(w -> assertThat(w.lastWarmup()).isPositive())
                .allSatisfy(w -> assertThat(w.measured()).isPositive());
    }

    /** The least of a run folder that {@link Results#read} needs besides the warm-up file. */
    private static Path withEnvironment(Path out) throws java.io.IOException {
        Files.writeString(out.resolve(Results.ENVIRONMENT), "{\"database\": \"h2\", \"stores\": \"jdbc, jdbi\"}");
        Files.writeString(out.resolve(Results.RESULTS), "[]");
        return out;
    }
}
