package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostgreSQL's ANALYZE of the seeded tables reads every purchase whenever the server allows it:
 * 300 × target rows are sampled, so the target must cover the largest table, and be the smallest
 * that does (a higher one only makes ANALYZE and planning slower), within PostgreSQL's 100..10,000.
 */
class DataSetTest {

    /** The edges of every clamp and rounding step, and a spread of seed sizes between them. */
    static Stream<Integer> seedSizes() {
        return Stream.concat(
                Stream.of(1, 2, 2_999, 3_000, 3_001, 3_030, 3_031, 10_000, 299_970, 299_999,
                        300_000, 300_001, 1_000_000, Integer.MAX_VALUE),
                IntStream.iterate(7, n -> n < 400_000, n -> n * 3 + 1).boxed());
    }

    @ParameterizedTest
    @MethodSource("seedSizes")
    void theAnalyzeSamplesEveryPurchaseUpToPostgresqlsMaximumTarget(int users) {
        long purchases = (long) users * DataSet.PURCHASES_PER_USER;
        int target = DataSet.statisticsTarget(users);

        assertThat(target).isBetween(100, 10_000);
        if (target < 10_000) {
            assertThat(300L * target).as("rows sampled at target %d", target).isGreaterThanOrEqualTo(purchases);
        } else {
            assertThat(purchases).isGreaterThan(300L * 9_999);
        }
        if (target > 100) {
            assertThat(300L * (target - 1)).as("one less would sample too few").isLessThan(purchases);
        }
    }
}
