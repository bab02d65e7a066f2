package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStoreProvider;
import dev.fourways.UserStoreProviders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole comparison once, as briefly as JMH allows (in-process, one short iteration, 200
 * users), for every style on the class path, and checks that the report is written and complete.
 * It asserts nothing about speed: it catches a benchmark that throws, a store that fails the
 * fairness check, and a report that lost a table or a chart.
 *
 * <p>JMH's output (thousands of lines) goes only to the report folder's {@code jmh.log}, under
 * {@code target/smoke-report/}; the test prints a few lines: where the report and the log are,
 * and how many results it found.
 */
class CompareSmokeTest {

    @Test
    void shouldRunEveryBenchmarkForEveryStoreAndWriteACompleteReport() throws Exception {
        // given
        Path out = Path.of("target", "smoke-report");
        deleteRecursively(out);

        // when
        Path report = Compare.run(RunSettings.smoke(out), new PrintStream(OutputStream.nullOutputStream()));

        // then
        List<String> stores = UserStoreProviders.all().stream().map(UserStoreProvider::name).toList();
        Results results = Results.read(out);
        System.out.printf("Smoke run: %d JMH results for %s; report %s, JMH's output in %s%n", results.scores().size(),
                stores, report.toAbsolutePath(), out.resolve(Results.LOG).toAbsolutePath());
        for (Operations.Operation op : Operations.ALL) {
            for (String store : stores) {
                assertThat(results.find(op.name(), store))
                        .as("a result for %s on %s (a missing one means the trial failed: see the log above)", op.name(), store)
                        .isPresent();
                assertThat(results.statements().get(store)).as("statements of %s on %s", op.name(), store)
                        .containsKey(op.name());
            }
        }
        for (String store : stores) {
            assertThat(results.find(Report.STARTUP, store)).as("start-up of %s", store).isPresent();
            assertThat(results.startupClasses()).as("classes loaded at start-up by %s", store).containsKey(store);
        }
        List<ClaimThroughput> claims = ClaimThroughput.read(out);
        for (String store : stores) {
            for (int threads : ClaimThroughputBenchmark.THREADS) {
                assertThat(claims).as("claim throughput of %s at %d workers", store, threads)
                        .anySatisfy(c -> {
                            assertThat(c.store()).isEqualTo(store);
                            assertThat(c.threads()).isEqualTo(threads);
                            assertThat(c.purchases()).as("purchases claimed per second").isPositive();
                        });
            }
        }
        List<UpsertThroughput> upserts = UpsertThroughput.read(out);
        for (String store : stores) {
            for (int threads : ClaimThroughputBenchmark.THREADS) {
                assertThat(upserts).as("upsert throughput of %s at %d workers", store, threads)
                        .anySatisfy(u -> assertThat(List.of(u.store(), u.threads())).isEqualTo(List.of(store, threads)))
                        .allSatisfy(u -> assertThat(u.upserts()).as("upserts per second").isPositive());
            }
        }
        List<RequestThroughput> requests = RequestThroughput.read(out);
        for (String store : stores) {
            for (String request : RequestThroughput.REQUESTS) {
                for (int threads : RequestBenchmark.THREADS) {
                    assertThat(requests).as("%s of %s at %d threads", request, store, threads).anySatisfy(r -> {
                        assertThat(List.of(r.request(), r.store(), r.threads())).isEqualTo(List.of(request, store, threads));
                        assertThat(r.perSecond()).as("requests per second").isPositive();
                        assertThat(r.p99Us()).as("p99 at least p50").isGreaterThanOrEqualTo(r.p50Us());
                    });
                }
                assertThat(results.requestStatements().get(request)).as("the census of %s's %s", store, request).containsKey(store);
            }
            assertThat(results.requestStatements().get("multipleQueries").get(store))
                    .as("multipleQueries sends its 20 reads").isEqualTo(RequestBenchmark.QUERIES);
        }
        String markdown = Files.readString(report);
        assertThat(out.resolve(Results.LOG)).as("JMH's output, kept in the log").isNotEmptyFile();
        assertThat(Files.readString(out.resolve(Results.LOG))).as("± decoded, not ??").containsAnyOf("±", "≈").doesNotContain("??");
        assertThat(out.resolve("REPORT.html")).as("the HTML report").isNotEmptyFile();
        assertThat(markdown).contains("## Summary", "## At a glance", "## Start-up", "## Claims under concurrency",
                "## Requests under concurrency",
                "## Environment and settings").doesNotContain("## Not timed");
        List<String> charts = new ArrayList<>(List.of("startup"));
        for (Operations.Family family : Operations.FAMILIES) {
            assertThat(markdown).contains("## " + family.title());
            charts.add(family.id());
        }
        for (String request : RequestThroughput.REQUESTS) {
            charts.add("requests-" + request);
            charts.add("latency-" + request);
        }
        for (String chart : charts) {
            assertThat(out.resolve("chart-" + chart + "-h2.png")).as("the %s chart", chart).isNotEmptyFile();
            assertThat(markdown).contains("chart-" + chart + "-h2.png");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }
}
