package dev.fourways.bench;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Single-row writes that can repeat for as long as JMH likes, so they run in the same
 * average-time mode as the reads:
 * <ul>
 *   <li>{@code create} adds users; they are deleted after each iteration (outside the measured
 *       time), so every iteration starts from the seeded data.</li>
 *   <li>{@code changeEmail} is self-cancelling: it flips a user's e-mail between two addresses, so
 *       each call is a real change (the row is written, the version checked and bumped) and the
 *       data never grows.</li>
 *   <li>{@code createWithPurchases} adds a user with 10 purchases; like {@code create}'s, they are
 *       deleted after each iteration.</li>
 *   <li>{@code upsert} alternates its two paths on users of its own: even calls insert a new user,
 *       odd calls upsert that same username again with a new e-mail (the update path: the row
 *       matched, written, its version bumped). The seeded users are left alone, so
 *       {@code changeEmail}'s versions stay right; the added users are deleted after each
 *       iteration.</li>
 * </ul>
 */
public class WriteBenchmarks extends StoreBenchmark {

    private long created;
    private long upserted;
    private long graphs;
    private long[] versions;
    private boolean[] changed;
    private String[] otherEmails;

    /**
     * What these benchmarks add is deleted after every iteration, and the e-mails and versions
     * {@code changeEmail} changes are put back by {@link DataSet#restore}: quick mode runs them on
     * the seeded database the run keeps ({@link KeptTrials}).
     */
    @Override
    protected boolean leavesSeedAsFound() {
        return true;
    }

    @Setup(Level.Iteration)
    public void rememberVersions() {
        if (versions == null) {
            versions = new long[data.size()];
            changed = new boolean[data.size()];
            otherEmails = new String[data.size()];
            for (int i = 0; i < data.size(); i++) {
                otherEmails[i] = data.username(i) + "@changed.test";
            }
        }
    }

    @TearDown(Level.Iteration)
    public void deleteCreatedUsers() {
        deleteAddedUsers();
    }

    /** One new user (building the {@code NewUser}, with its validation, is part of every store's cost). */
    @Benchmark
    public User create() {
        long n = created++;
        return userStore.create(NewUser.of("new" + n, "new" + n + "@create.test"));
    }

    /**
     * A graph insert: a new user with {@value DataSet#PURCHASES_PER_USER} purchases, in one
     * transaction (building the arguments, with their validation, is part of every store's cost).
     */
    @Benchmark
    public UserWithPurchases createWithPurchases() {
        long n = graphs++;
        return userStore.createWithPurchases(NewUser.of("graph" + n, "graph" + n + "@graph.test"), AggregateShapes.purchases(n));
    }

    /** A random user's e-mail, under the optimistic lock, to a different address each time. */
    @Benchmark
    public User changeEmail() {
        int i = workload.pick(call++);
        String email = changed[i] ? data.email(i) : otherEmails[i];
        User user = userStore.changeEmail(data.id(i), versions[i], email);
        versions[i] = user.version();
        changed[i] = !changed[i];
        return user;
    }

    /** Even calls: upsert's insert path (a new username); odd calls: its update path (the username just inserted, a new e-mail). */
    @Benchmark
    public User upsert() {
        long n = upserted++;
        long user = n - n % 2;
        return userStore.upsert(NewUser.of("up" + user, "up" + user + (n % 2 == 0 ? "a" : "b") + "@upsert.test"));
    }
}
