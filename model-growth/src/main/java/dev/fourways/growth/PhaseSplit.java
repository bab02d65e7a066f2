package dev.fourways.growth;

import java.util.Map;

/**
 * Where one style's start-up time goes at one model size: the median over runs of each step, ms.
 *
 * @param phasesMs       step name to median ms, in bootstrap order
 * @param totalMs        median of the whole start-up as timed in that run, ms
 * @param classLoadingMs median of HotSpot's class-loading timer over the start-up, ms (overlaps
 *                       the steps; -1 when unavailable)
 * @param classesLoaded  median classes loaded
 * @param runs           fresh JVMs measured
 */
public record PhaseSplit(String style, String variant, int n, Map<String, Double> phasesMs, double totalMs,
                         double classLoadingMs, double classesLoaded, int runs) {
}
