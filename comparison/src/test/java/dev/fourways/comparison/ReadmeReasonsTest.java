package dev.fourways.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What counts as a README's reason for an operation's cost, and what does not. */
class ReadmeReasonsTest {

    private static final List<String> OPERATIONS = List.of("findById", "findByUsername", "count", "search", "createAll",
            "pageWithPurchases");

    @Test
    void aSentenceOnTheOperationsRoundTripsIsAReason() {
        assertThat(ReadmeReasons.qualifies("`createAll` sends 1,000 users in 2 round trips.", "createAll", OPERATIONS)).isTrue();
        assertThat(ReadmeReasons.qualifies("`pageWithPurchases` is one statement, a deferred join.", "pageWithPurchases",
                OPERATIONS)).isTrue();
    }

    @Test
    void aSentenceWithoutAWordOfCostIsNot() {
        assertThat(ReadmeReasons.qualifies("`findById` returns an `Optional`, so the store holds no conversion code.",
                "findById", OPERATIONS)).isFalse();
    }

    @Test
    void aWordInsideAnIdentifierIsNotAWordOfCost() {
        assertThat(ReadmeReasons.qualifies("`search` is built with a `StringJoiner` of fragments.", "search", OPERATIONS))
                .isFalse();
        assertThat(ReadmeReasons.qualifies("`createAll` uses one `PreparedBatch` binder.", "createAll", OPERATIONS)).isFalse();
    }

    @Test
    void aListOfManyOperationsIsNotAReasonForOne() {
        assertThat(ReadmeReasons.qualifies("Reads (`findById`, `findByUsername`, `count`, `search`) each run one statement "
                + "in autocommit.", "findById", OPERATIONS)).isFalse();
    }

    @Test
    void aSentenceOnAFiguresPrecisionIsNot() {
        assertThat(ReadmeReasons.qualifies("The 99.9 % intervals were wider than the means (`pageWithPurchases`: 7,267 ± "
                + "9,614 µs).", "pageWithPurchases", OPERATIONS)).isFalse();
    }
}
