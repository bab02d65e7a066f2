package dev.fourways.bench;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code createAll} of 1,000 users. One call takes milliseconds, so the rare case where JMH's
 * {@code Level.Invocation} fixtures are right (see {@code JMHSample_06}'s warning): the users are
 * built before and deleted after each call, outside the measured time, and every call inserts into
 * the same seeded tables.
 */
public class BulkInsertBenchmark extends StoreBenchmark {

    /** Users per {@code createAll}. */
    public static final int BATCH = 1000;

    private List<NewUser> batch;
    private int invocation;

    /** The users it adds are deleted after every call: quick mode runs it on the seeded database the run keeps ({@link KeptTrials}). */
    @Override
    protected boolean leavesSeedAsFound() {
        return true;
    }

    @Setup(Level.Invocation)
    public void buildUsers() {
        int n = invocation++;
        batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(NewUser.of("bulk" + n + "_" + i, "bulk" + n + "_" + i + "@bulk.test"));
        }
    }

    @TearDown(Level.Invocation)
    public void deleteUsers() {
        deleteAddedUsers();
    }

    @Benchmark
    public List<User> createAll() {
        return userStore.createAll(batch);
    }
}
