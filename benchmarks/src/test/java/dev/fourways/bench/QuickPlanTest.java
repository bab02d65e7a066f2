package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quick mode's per-benchmark plan: it names real benchmarks, is shorter on a server as documented, and survives the worker protocol. */
class QuickPlanTest {

    @Test
    void theSlowCallsAreBenchmarksThatExist() {
        // A renamed benchmark would silently fall back to the common plan.
        assertThat(RunSettings.queryBenchmarks(java.util.Optional.empty())).containsAll(QuickPlan.SLOW);
    }

    @Test
    void everyBatchModeBenchmarkGetsTheBatchPlanAndNoOtherDoes() {
        for (String benchmark : RunSettings.queryBenchmarks(java.util.Optional.empty())) {
            boolean batchMode = benchmark.startsWith("DestructiveWriteBenchmarks.");
            assertThat(QuickPlan.of(benchmark) == QuickPlan.BATCHES).as(benchmark).isEqualTo(batchMode);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void onAServerEveryBenchmarkButTheFirstWarmsUpHalfAsLongAndMeasuresTheSame(String db) {
        List<String> benchmarks = RunSettings.queryBenchmarks(java.util.Optional.empty());
        String first = benchmarks.get(0);
        for (String benchmark : benchmarks) {
            QuickPlan h2 = QuickPlan.of(benchmark, "h2", first);
            QuickPlan server = QuickPlan.of(benchmark, db, first);
            assertThat(h2).as("H2 keeps the full plan: " + benchmark).isEqualTo(QuickPlan.of(benchmark));
            assertThat(server.warmups()).as(benchmark)
                    .isEqualTo(benchmark.equals(first) ? h2.warmups() : h2.warmups() / 2);
            assertThat(List.of(server.warmupTime(), server.measurements(), server.measurementTime())).as(benchmark)
                    .isEqualTo(List.of(h2.warmupTime(), h2.measurements(), h2.measurementTime()));
        }
        // Whichever benchmark --bench puts first is the one kept whole.
        String last = benchmarks.get(benchmarks.size() - 1);
        assertThat(QuickPlan.of(last, db, last).warmups()).isEqualTo(QuickPlan.of(last).warmups());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql", "mariadb"})
    void onlyTheUpsertContentionWarmUpIsShorterOnAServer(String db) {
        boolean server = !db.equals("h2");
        assertThat(QuickPlan.ofContention(RunSettings.UPSERTS_METHOD, db))
                .isEqualTo(server ? QuickPlan.UPSERTS_ON_SERVERS : QuickPlan.UPSERTS);
        assertThat(QuickPlan.ofContention(RunSettings.CLAIMS_METHOD, db)).isEqualTo(QuickPlan.CLAIMS);
        assertThat(QuickPlan.describe(db).contains("halved")).as(QuickPlan.describe(db)).isEqualTo(server);
    }

    @Test
    void everyPlanSurvivesTheWorkerProtocol() {
        for (QuickPlan plan : List.of(QuickPlan.COMMON, QuickPlan.SLOW_CALLS, QuickPlan.BATCHES)) {
            String line = "^include$\t/tmp/result.json\t" + plan.protocol();
            assertThat(QuickPlan.parse(line.split("\t"), 2)).isEqualTo(plan);
        }
    }
}
