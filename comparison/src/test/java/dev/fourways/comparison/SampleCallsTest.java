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
                new Operation("upsert", "User upsert(NewUser user)", ""),
                new Operation("claimPaidPurchases", "List<Purchase> claimPaidPurchases(int limit)", ""));

        assertThatThrownBy(() -> SampleCalls.requireAll(operations))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 operations of UserStore have no sample call")
                .hasMessageContaining("User upsert(NewUser user)")
                .hasMessageContaining("List<Purchase> claimPaidPurchases(int limit)")
                .hasMessageNotContaining("long count()")
                .hasMessageContaining("SampleCalls.java")
                .hasMessageContaining("--pages-only");
    }
}
