package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code ./compare}'s options are checked before anything is built or forked ({@code --check} runs nothing). */
class CompareCommandTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "--store", "--store nosuch", "--db oracle", "--bench nosuch", "--bench (", "--combine", "--users 0", "--users 1279", "--bench updates --users 1279", "--frobnicate",
            "--growth", "--growth x", "--growth 1", "--growth 10,none", "--growth 6000", "--quick --full"})
    void aBadOptionIsRefusedWithExitCodeTwoBeforeAnythingRuns(String options) {
        assertThat(CompareCommand.execute(("--check " + options).split(" ")))
                .as("./compare %s must be refused with exit code 2", options).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--growth none", "--growth 10", "--growth 100,10,100", "--store jdbc,jooq --bench findById", "--full",
            "--users 1280", "--bench findById --users 200"})
    void goodOptionsPassTheCheck(String options) {
        assertThat(CompareCommand.execute(("--check " + options).split(" "))).as("./compare %s", options).isZero();
    }

    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = ';', value = {
            "'';QUICK;10,100", "'';FULL;10,100,500,1000", "'';SMOKE;''", "--growth none;FULL;''", "--growth 100,10,100;QUICK;10,100"})
    void theSweepsModelSizesFollowTheModeUnlessGiven(String options, Compare.Mode mode, String expected) {
        CompareCommand command = new CompareCommand();
        new CommandLine(command).parseArgs(options.isEmpty() ? new String[0] : options.split(" "));
        List<Integer> tables = expected.isEmpty() ? List.of()
                : java.util.Arrays.stream(expected.split(",")).map(Integer::valueOf).toList();
        assertThat(command.growthTables(mode)).isEqualTo(tables);
    }
}
