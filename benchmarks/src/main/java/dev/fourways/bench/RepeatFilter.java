package dev.fourways.bench;

import java.util.HashSet;
import java.util.Set;

/**
 * Keeps quick mode's console readable: every benchmark is one JMH run inside a style's warm JVM
 * (85 runs for a whole comparison), and JMH prints the same banners at each run. This filter lets
 * each banner line through once for the whole comparison (JMH's "non-forked runs" warning among
 * them: quick mode runs without forks on purpose, see the benchmarks README) and drops JMH's
 * per-run {@code # Run progress: ... ETA} line, which covers one benchmark of one style; the
 * comparison prints its own estimate for the whole run ({@link RunEstimate}). {@link ConsoleLog}
 * applies it to the console and to {@code jmh.log} alike, one filter for the whole comparison.
 */
final class RepeatFilter {

    /** The starts of JMH's banner lines, printed at every run. */
    private static final String[] BANNERS = {"# *** WARNING", "# JMH version", "# VM version", "# VM invoker", "# VM options",
        "# Blackhole mode", "NOTE: Current JVM experimentally supports Compiler Blackholes", "extra caution when trusting",
        "works, and factor in a small", "different JVMs are already", "modes can be very significant", "REMEMBER: The numbers below",
        "why the numbers are the way", "experiments, perform baseline", "the benchmarking environment is safe",
        "Do not assume the numbers tell"};

    private final Set<String> seen = new HashSet<>();

    /** Whether to show {@code line}: false for a banner line already shown, and for JMH's per-run progress line. */
    synchronized boolean shows(String line) {
        if (line.startsWith("# Run progress:")) {
            return false;
        }
        for (String banner : BANNERS) {
            if (line.startsWith(banner)) {
                return seen.add(line);
            }
        }
        return true;
    }
}
