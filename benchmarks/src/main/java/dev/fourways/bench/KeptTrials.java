package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.db.IsolatedDatabase;
import java.util.Optional;

/**
 * In a quick-mode worker ({@link StyleWorker}), one seeded trial (the database and the opened
 * store) kept from one benchmark to the next, instead of dropping it and seeding 110,000 rows again
 * for each. It is shared by every benchmark class that leaves the seeded data as it found it
 * ({@link StoreBenchmark#leavesSeedAsFound()}): the reads ({@link LookupBenchmarks},
 * {@link ListingBenchmarks}, {@link GraphBenchmarks}), and the writes, which delete what they add
 * after each iteration ({@link WriteBenchmarks}, {@link BulkInsertBenchmark},
 * {@link DestructiveWriteBenchmarks}); before each reuse {@link DataSet#restore} puts back what the
 * last benchmark changed and settles the tables again. A fresh trial takes 1.7-1.8 s on
 * PostgreSQL in a warm JVM (schema and migration 0.1 s, seeding with {@code vacuum (analyze)} and a
 * checkpoint 1.35-1.58 s, the store's start, the fairness check 0.17-0.30 s; 4-5 s when the JVM is
 * cold), one style at a time; a restore 0.02-0.19 s. Keeping one for each read class saved 9
 * trials per style; one for all 22 per-call benchmarks saves 12 more per style (60 in a run of
 * five styles).
 *
 * <p>Only one trial is kept at a time: asking for another key closes it (the contention and request
 * benchmarks, which come after, get fresh ones). Off everywhere else (the plain JMH command line
 * and {@code --full} give each benchmark a fresh fork and database).
 */
final class KeptTrials {

    /**
     * One kept trial.
     *
     * @param key      what the trial is for (the shared seed, or one benchmark class), the style, the database and the number of users
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
