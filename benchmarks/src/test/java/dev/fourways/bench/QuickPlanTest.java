package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Quick mode's per-benchmark plan: it names real benchmarks and survives the worker protocol. */
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

    @Test
    void everyPlanSurvivesTheWorkerProtocol() {
        for (QuickPlan plan : List.of(QuickPlan.COMMON, QuickPlan.SLOW_CALLS, QuickPlan.BATCHES)) {
            String line = "^include$\t/tmp/result.json\t" + plan.protocol();
            assertThat(QuickPlan.parse(line.split("\t"), 2)).isEqualTo(plan);
        }
    }
}
