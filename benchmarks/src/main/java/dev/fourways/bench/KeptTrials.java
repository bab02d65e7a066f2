package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.db.IsolatedDatabase;
import java.util.Optional;

/**
 * In a quick-mode worker ({@link StyleWorker}), the trial of a <em>read-only</em> benchmark class
 * (its seeded database and its opened store) kept from one benchmark of that class to the next,
 * instead of dropping and seeding 110,000 rows again for each: the read-only classes
 * ({@link LookupBenchmarks}, {@link ListingBenchmarks}, {@link GraphBenchmarks}) leave the data as
 * the seed wrote it, so their benchmarks would find the same database anyway. Each such trial
 * took 4-5 s on PostgreSQL (seeding, {@code vacuum (analyze)}, a checkpoint, the store's start,
 * the fairness check); keeping it saves 9 trials per style, about 3 minutes of a run.
 *
 * <p>Only one trial is kept at a time: asking for another key closes it. Off everywhere else
 * (the plain JMH command line and {@code --full} give each benchmark a fresh fork and database).
 */
final class KeptTrials {

    /**
     * One kept trial.
     *
     * @param key      the benchmark class, the style, the database and the number of users
     * @param database the seeded database and its pool
     * @param data     what the seed wrote
     * @param store    the style's store, open over {@code database}
     */
    record Trial(String key, IsolatedDatabase database, DataSet data, UserStore store) {
    }

    private static boolean enabled;
    private static Trial kept;

    private KeptTrials() {
    }

    /** Turns keeping on, for the rest of this JVM ({@link StyleWorker} does, at its start). */
    static synchronized void enable() {
        enabled = true;
    }

    /**
     * The trial kept under {@code key}, if there is one; a trial kept under another key is closed.
     * Empty when keeping is off.
     */
    static synchronized Optional<Trial> reuse(String key) {
        if (kept != null && !kept.key().equals(key)) {
            closeKept();
        }
        return Optional.ofNullable(kept);
    }

    /** Keeps {@code trial} for the next benchmark under its key, when keeping is on; returns whether it is kept. */
    static synchronized boolean keep(Trial trial) {
        if (enabled) {
            kept = trial;
        }
        return enabled;
    }

    /** Whether {@code store} is the kept trial's store (its trial tear-down must then leave it open). */
    static synchronized boolean holds(UserStore store) {
        return kept != null && kept.store() == store;
    }

    /** Turns keeping off and closes the kept trial (for tests, which share one JVM with the in-process smoke run). */
    static synchronized void disable() {
        closeKept();
        enabled = false;
    }

    /** Closes the kept trial, if any: its store, then its database (dropped on a server). */
    static synchronized void closeKept() {
        if (kept != null) {
            Trial closing = kept;
            kept = null;
            closing.store().close();
            closing.database().close();
        }
    }
}
