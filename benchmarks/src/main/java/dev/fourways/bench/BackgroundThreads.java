package dev.fourways.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The CPU time this JVM's own background threads, the JIT compilers and the garbage collector's,
 * have used, read from Linux's {@code /proc}, and a wait until they are idle.
 *
 * <p>Why quick mode needs it: the style JVMs take {@link Turns}, and a JVM's C1 and C2 compiler
 * threads (and G1's concurrent threads) go on working after its turn has ended, on the same two
 * cores as the next style's timed iteration. A style's warm-up does not end its compiling: in the
 * sample run of 2026-12-07 on H2, {@code findById}, each JVM's first benchmark, measured Jdbi at
 * 100-146 µs in its first eight measured rounds and at 44 and 12 µs in its last two (jdbc 9.25
 * µs), MyBatis and jOOQ at 101-197 µs in every round (the 2026-12-06 sample, same store code:
 * 0.55-2.44 × jdbc). So before a worker hands the turn on, it waits until its own background
 * threads have used no CPU for {@link #QUIET}: the next style's timed iteration then runs beside
 * no one's compiling or concurrent marking, jdbc's included.
 *
 * <p>HotSpot names these threads {@code C1 CompilerThreadN}, {@code C2 CompilerThreadN},
 * {@code GC Thread#N}, {@code G1 Conc#N}, {@code G1 Main Marker} and {@code G1 Refine#N}; Linux
 * keeps the first 15 characters of a name in {@code /proc/self/task/<tid>/comm}, and a thread's
 * user and system CPU time, in clock ticks (USER_HZ, 10 ms on Linux), in fields 14 and 15 of its
 * {@code stat} ({@code man 5 proc}). Where {@code /proc} is missing (not Linux), {@link #ticks()}
 * is empty and {@link #awaitIdle} returns at once.
 */
final class BackgroundThreads {

    /** How long the background threads must use no CPU to count as idle: ten clock ticks. */
    static final Duration QUIET = Duration.ofMillis(100);
    /** The longest wait: a turn is never held longer than this for the background threads. */
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** The prefixes of HotSpot's compiler and G1 thread names, as Linux keeps them (15 characters at most). */
    static final List<String> THREADS = List.of("C1 CompilerThre", "C2 CompilerThre", "GC Thread#", "G1 Conc#",
            "G1 Main Marker", "G1 Refine#");
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long POLL_MILLIS = 10;

    private BackgroundThreads() {
    }

    /**
     * The CPU time, in clock ticks, used so far by this JVM's live compiler and GC threads
     * ({@link #THREADS}); empty where {@code /proc/self/task} cannot be read or no thread has such
     * a name (not HotSpot).
     */
    static OptionalLong ticks() {
        try (Stream<Path> tasks = Files.list(TASKS)) {
            long sum = 0;
            boolean found = false;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                OptionalLong used = backgroundTicks(task);
                if (used.isPresent()) {
                    sum += used.getAsLong();
                    found = true;
                }
            }
            return found ? OptionalLong.of(sum) : OptionalLong.empty();
        } catch (IOException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /** One thread's user plus system ticks if it is one of {@link #THREADS}; empty otherwise, or if it ended meanwhile. */
    private static OptionalLong backgroundTicks(Path task) {
        try {
            String name = Files.readString(task.resolve("comm")).strip();
            if (THREADS.stream().noneMatch(name::startsWith)) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(cpuTicks(Files.readString(task.resolve("stat"))));
        } catch (IOException e) {
            return OptionalLong.empty(); // the thread ended between the listing and the read
        }
    }

    /**
     * Fields 14 (utime) and 15 (stime) of a {@code /proc/<pid>/task/<tid>/stat} line, summed, in
     * clock ticks. The second field, the name in parentheses, may itself hold spaces and
     * parentheses, so the fields are counted from the last {@code ')'}.
     *
     * @throws IllegalArgumentException when the line has fewer than 15 fields
     */
    static long cpuTicks(String stat) {
        int end = stat.lastIndexOf(')');
        String[] rest = end < 0 ? new String[0] : stat.substring(end + 1).strip().split(" ");
        if (rest.length < 13) {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        // rest[0] is field 3 (state), so field n is rest[n - 3]
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    /**
     * Waits until this JVM's compiler and GC threads have used no CPU for {@link #QUIET}, or
     * {@link #MAX_WAIT} has passed; returns at once where {@link #ticks()} is empty.
     *
     * @return the time waited, in milliseconds
     */
    static long awaitIdle() {
        return awaitIdle(BackgroundThreads::ticks, QUIET.toMillis(), MAX_WAIT.toMillis());
    }

    /**
     * {@link #awaitIdle()} over any tick source: polls it every 10 ms until it has not moved for
     * {@code quietMillis}, or {@code maxMillis} have passed.
     *
     * @return the time waited, in milliseconds
     */
    static long awaitIdle(Supplier ticks, long quietMillis, long maxMillis) {
        long start = System.nanoTime();
        OptionalLong last = ticks.get();
        if (last.isEmpty()) {
            return 0;
        }
        long quietSince = start;
        while (true) {
            long now = System.nanoTime();
            if (now - quietSince >= quietMillis * 1_000_000 || now - start >= maxMillis * 1_000_000) {
                return (now - start) / 1_000_000;
            }
            sleep();
            OptionalLong current = ticks.get();
            if (!current.equals(last)) {
                last = current;
                quietSince = System.nanoTime();
            }
        }
    }

    /** A source of ticks, {@link #ticks()} or a test's. */
    @FunctionalInterface
    interface Supplier {
        OptionalLong get();
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the JIT compilers and the GC", e);
        }
    }
}
