package dev.fourways.bench;

import dev.fourways.domain.User;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;

/** Single-row reads: the per-call overhead of a style, with the least work for the database. */
public class LookupBenchmarks extends StoreBenchmark {

    /** Reads only: quick mode runs them on the seeded database the run keeps ({@link KeptTrials}). */
    @Override
    protected boolean leavesSeedAsFound() {
        return true;
    }

    /** A random existing user by primary key. */
    @Benchmark
    public Optional<User> findById() {
        return workload.findById(userStore, call++);
    }

    /** A random existing user by the unique username. */
    @Benchmark
    public Optional<User> findByUsername() {
        return workload.findByUsername(userStore, call++);
    }

    /** {@code select count(*)}: one number, so almost all of it is the style's fixed cost. */
    @Benchmark
    public long count() {
        return workload.count(userStore);
    }
}
