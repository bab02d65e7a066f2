package dev.fourways.db;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Hands out ids from a shared sequence in blocks, as Hibernate's pooled optimizer does, so a
 * store can insert with ids it already knows: that is what lets inserts batch, and it is the only
 * portable way to know the ids of a batch (MariaDB's driver returns no generated keys for a
 * column whose default is a sequence).
 *
 * <p>The schema's sequences run {@code START WITH 50 INCREMENT BY 50}. A value v taken from one
 * stands for the block {@code v-49..v}: the same reading as Hibernate's pooled optimizer, so
 * block allocators in every style, Hibernate, and inserts that take the column default (which use
 * just v) never collide. See the Hibernate User Guide, "Identifier generators", pooled optimizer.
 *
 * <p>Thread-safe. One instance per store and sequence.
 */
public final class PooledIds {

    /** The increment of every sequence in the schema: ids per value taken. */
    public static final int BLOCK_SIZE = 50;

    private long next = 1;
    private long last = 0;

    /**
     * Takes {@code count} new ids, fetching block ends only when the current block runs out.
     *
     * @param count           1 or more
     * @param fetchBlockEnds  runs the style's own query for n values of the sequence, in one round
     *                        trip (see {@link Database#nextValuesSql}); called at most once
     * @return {@code count} distinct ids, ascending
     */
    public synchronized long[] take(int count, IntFunction<long[]> fetchBlockEnds) {
        if (count < 1) {
            throw new IllegalArgumentException("count: must be 1 or more, was " + count);
        }
        long[] ids = new long[count];
        int filled = 0;
        while (filled < count && next <= last) {
            ids[filled++] = next++;
        }
        if (filled < count) {
            int blocks = (count - filled + BLOCK_SIZE - 1) / BLOCK_SIZE;
            long[] ends = fetchBlockEnds.apply(blocks).clone();
            if (ends.length != blocks) {
                throw new IllegalStateException("asked the sequence for " + blocks + " values, got " + ends.length);
            }
            Arrays.sort(ends);
            for (long end : ends) {
                next = end - BLOCK_SIZE + 1;
                last = end;
                while (filled < count && next <= last) {
                    ids[filled++] = next++;
                }
            }
        }
        return ids;
    }
}
