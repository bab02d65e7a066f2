package dev.fourways.comparison;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator's message when the contract has operations the capture cannot call yet. */
class SampleCallsTest {

    @Test
    void everyOperationOfTheCurrentContractHasASampleCall() {
        assertThatCode(() -> SampleCalls.requireAll(ContractReader.operations(Generate.root()))).doesNotThrowAnyException();
    }

    @Test
    void operationsWithoutASampleCallAreNamedTogetherWithTheFix() {
        List<Operation> operations = List.of(
                new Operation("count", "long count()", ""),
                new Operation("archive", "int archive(Instant before)", ""),
                new Operation("renameUser", "User renameUser(long id, String username)", ""));

        assertThatThrownBy(() -> SampleCalls.requireAll(operations))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 operations of UserStore have no sample call")
                .hasMessageContaining("int archive(Instant before)")
                .hasMessageContaining("User renameUser(long id, String username)")
                .hasMessageNotContaining("long count()")
                .hasMessageContaining("SampleCalls.java")
                .hasMessageContaining("--pages-only");
    }
}
