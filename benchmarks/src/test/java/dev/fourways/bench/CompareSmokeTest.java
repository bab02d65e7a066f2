package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStoreProvider;
import dev.fourways.UserStoreProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole comparison once, as briefly as JMH allows (in-process, one short iteration, 200
 * users), for every style on the class path, and checks that the report is written and complete.
 * It asserts nothing about speed: it catches a benchmark that throws, a store that fails the
 * fairness check, and a report that lost a table or a chart.
 */
class CompareSmokeTest {

    @Test
    void shouldRunEveryBenchmarkForEveryStoreAndWriteACompleteReport(@TempDir Path out) throws Exception {
        // when
        Path report = Compare.run(Compare.Mode.SMOKE, Map.of(), out);

        // then
        List<String> stores = UserStoreProviders.all().stream().map(UserStoreProvider::name).toList();
        Results results = Results.read(out);
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
        String markdown = Files.readString(report);
        assertThat(markdown).contains("## At a glance", "## Start-up", "## Environment and settings").doesNotContain("## Not timed");
        List<String> charts = new ArrayList<>(List.of("startup"));
        for (Operations.Family family : Operations.FAMILIES) {
            assertThat(markdown).contains("## " + family.title());
            charts.add(family.id());
        }
        for (String chart : charts) {
            assertThat(out.resolve("chart-" + chart + "-h2.png")).as("the %s chart", chart).isNotEmptyFile();
            assertThat(markdown).contains("chart-" + chart + "-h2.png");
        }
    }
}
