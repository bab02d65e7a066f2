package dev.fourways.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Quick mode's turns, the worker's side: one style at work at a time across the style JVMs.
 *
 * <p>In quick mode every style's JVM ({@link StyleWorker}) runs the same benchmark at once, but
 * only the worker holding the turn does anything. A style's first turn is its trial setup and its
 * whole warm-up; after that, before each measured iteration, {@link StoreBenchmark}'s iteration
 * setup calls {@link #takeNext()}, which gives the turn back to the scheduler
 * ({@link StyleWorkers}) and waits until the scheduler hands it the next one, after every other
 * style's measured iteration. So the styles' measured iterations alternate, jdbc's 250 ms, then
 * Hibernate's, then jOOQ's..., and a slow minute of this shared machine falls on every style's
 * measurement alike instead of on the one style whose whole run it was.
 *
 * <p>Why the warm-up is not cut into turns too: a JVM's JIT compilers keep working after its
 * iteration ends. With every warm-up iteration a turn, five JVMs' C2 threads compiled during the
 * other styles' turns (about one core's worth, sampled from {@code /proc} 30 s into a run), and the
 * measured times on H2 came out 2-10 times the serial ones.
 *
 * <p>Between two turns a worker only waits: the work of an iteration's setup and tear-down (the
 * destructive writes' fixtures, deleting the rows a write added) happens while it holds the turn,
 * and the JMH iteration timer starts after every setup ({@code announceWarmupReady} in JMH's
 * generated code), so the wait is never timed. The trial's setup (a fresh database, seeding, the
 * fairness check) is in the first turn: the seeding of one style never runs beside another
 * style's timed iteration, and the setups, which keep both cores busy, do not slow each other
 * down (five at once took 32 s on H2, one after the other about 17 s).
 *
 * <p>Outside quick mode (the plain JMH command line, {@code --full}, the smoke run) and for the
 * multi-threaded benchmarks, turns are off and {@link #takeNext()} returns at once.
 */
final class Turns {

    /** Printed on standard output, alone or at the end of JMH's "Iteration n:" prefix, to ask for the next turn. */
    static final String ASK = "# fourways: next turn?";
    /** The scheduler's answer on standard input: the turn is this worker's. */
    static final String GO = "go";

    private static volatile BufferedReader scheduler;

    private Turns() {
    }

    /**
     * Runs {@code run} with turns on: every {@link #takeNext()} in it asks {@code input}'s writer
     * for the turn.
     */
    static void during(BufferedReader input, Runnable run) {
        scheduler = input;
        try {
            run.run();
        } finally {
            scheduler = null;
        }
    }

    /**
     * Gives the turn back and waits for the next one; returns at once when turns are off.
     *
     * @throws IllegalStateException when the scheduler answers anything but {@value #GO} or has
     *                               gone (the JMH run then fails, and the worker reports it done)
     */
    static void takeNext() {
        BufferedReader input = scheduler;
        if (input == null) {
            return;
        }
        synchronized (System.out) {
            System.out.println(ASK);
            System.out.flush();
        }
        try {
            String answer = input.readLine();
            if (!GO.equals(answer)) {
                throw new IllegalStateException("expected " + GO + " from quick mode's scheduler, got " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("lost quick mode's scheduler", e);
        }
    }
}
