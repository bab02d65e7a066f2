package dev.fourways.bench;

import dev.fourways.domain.Page;
import dev.fourways.domain.User;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

/** Reads of many rows: mapping cost per row, and what offset paging costs against keyset paging. */
public class ListingBenchmarks extends StoreBenchmark {

    /** Reads only: quick mode runs them on the seeded database the run keeps ({@link KeptTrials}). */
    @Override
    protected boolean leavesSeedAsFound() {
        return true;
    }

    /** Page 3 of 20 users, with the total count (two statements). */
    @Benchmark
    public Page<User> pageShallow() {
        return workload.pageShallow(userStore, call++);
    }

    /** 20 users 90 % of the way through, by offset. */
    @Benchmark
    public Page<User> pageDeep() {
        return workload.pageDeep(userStore, call++);
    }

    /** The same 20 users as {@link #pageDeep}, by keyset ({@code username > ?}). */
    @Benchmark
    public List<User> listAfterDeep() {
        return workload.listAfterDeep(userStore, call++);
    }

    /** The dynamic query with three criteria (two LIKEs and a time range), newest first, 50 rows. */
    @Benchmark
    public List<User> search() {
        return workload.search(userStore, call++);
    }

    /** Every user through the lazy stream; each row goes to the Blackhole. */
    @Benchmark
    public long streamAll(Blackhole blackhole) {
        return workload.streamAll(userStore, blackhole::consume);
    }
}
