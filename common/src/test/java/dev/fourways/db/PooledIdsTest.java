package dev.fourways.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PooledIdsTest {

    /** A sequence START WITH 50 INCREMENT BY 50, as in the migrations, counting the calls. */
    private final List<Integer> calls = new ArrayList<>();
    private long sequence = 0;

    private long[] nextValues(int n) {
        calls.add(n);
        return LongStream.range(0, n).map(i -> sequence += 50).toArray();
    }

    @Test
    void readsEachValueAsTheTopOfABlockOfFifty() {
        PooledIds ids = new PooledIds();

        assertThat(ids.take(3, this::nextValues)).containsExactly(1, 2, 3);
        assertThat(ids.take(47, this::nextValues)).startsWith(4).endsWith(50);
        assertThat(calls).as("one value covers 50 ids").containsExactly(1);
        assertThat(ids.take(1, this::nextValues)).containsExactly(51);
        assertThat(calls).containsExactly(1, 1);
    }

    @Test
    void fetchesEveryBlockABatchNeedsInOneCall() {
        PooledIds ids = new PooledIds();
        ids.take(10, this::nextValues);

        long[] batch = ids.take(1000, this::nextValues);

        assertThat(batch).hasSize(1000).startsWith(11).endsWith(1010);
        assertThat(calls).as("40 ids left in the block, 960 more need 20 blocks, fetched at once").containsExactly(1, 20);
    }

    @Test
    void neverOverlapsAWriterThatTakesSingleValues() {
        PooledIds ids = new PooledIds();
        long single = nextValues(1)[0];

        long[] block = ids.take(50, this::nextValues);

        assertThat(single).isEqualTo(50);
        assertThat(block).startsWith(51).endsWith(100).doesNotContain(single);
    }
}
