package dev.fourways.bench;

import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.UserWithPurchases;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;

/** Users with their purchases, and an aggregate over purchases: joins and nested mapping. */
public class GraphBenchmarks extends StoreBenchmark {

    /** Reads only: quick mode runs them on the seeded database the run keeps ({@link KeptTrials}). */
    @Override
    protected boolean leavesSeedAsFound() {
        return true;
    }

    /** A random user with their 10 purchases. */
    @Benchmark
    public Optional<UserWithPurchases> findWithPurchases() {
        return workload.findWithPurchases(userStore, call++);
    }

    /** A random purchase with its user (many-to-one), one statement. */
    @Benchmark
    public Optional<PurchaseWithUser> findPurchase() {
        return workload.findPurchase(userStore, call++);
    }

    /** 20 users with 10 purchases each (200 purchase rows), at most two statements. */
    @Benchmark
    public List<UserWithPurchases> pageWithPurchases() {
        return workload.pageWithPurchases(userStore, call++);
    }

    /** A group-by over a year of purchases: the database does the work, the style maps 10 rows. */
    @Benchmark
    public List<SpenderSummary> topSpenders() {
        return workload.topSpenders(userStore, call++);
    }
}
