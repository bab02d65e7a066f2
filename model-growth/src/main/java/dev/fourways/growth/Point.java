package dev.fourways.growth;

import java.util.List;

/**
 * One measured point of the sweep: a style, a variant, a model size.
 *
 * @param variant       {@code default}, a mitigation, or {@code cds} (the default with an AppCDS archive)
 * @param samplesMs     one start-up time per fork, ms
 * @param medianMs      their median, ms
 * @param minMs         fastest fork, ms
 * @param maxMs         slowest fork, ms
 * @param heapUsedMb    median heap in use after start (after a full GC), MB
 * @param classesLoaded median classes loaded during the start-up
 * @param mappedTypes   what the library built (see {@link ForkRecord#mappedTypes()})
 * @param cpuMs         median CPU time of the whole JVM during the start-up, ms (-1 or NaN when not recorded)
 */
public record Point(String style, String variant, int n, List<Double> samplesMs, double medianMs, double minMs, double maxMs,
                    double heapUsedMb, double classesLoaded, int mappedTypes, double cpuMs) {
}
