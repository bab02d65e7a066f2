package dev.fourways.growth;

import java.util.List;

/**
 * Everything growth.json holds.
 *
 * @param ns             model sizes measured (tables)
 * @param forks          fresh JVMs per point
 * @param database       where the model lived (H2 file database, migrated before the forks)
 * @param java           the JVM's version
 * @param cores          processors the JVM saw
 * @param points         every measured point (ms, MB, classes)
 * @param phases         the phase split at the largest n
 * @param published      user reports quoted beside the curve
 * @param sweepSeconds   wall-clock time of the sweep (after the models were ready), s
 */
public record GrowthReport(List<Integer> ns, int forks, String database, String java, int cores, List<Point> points,
                           List<PhaseSplit> phases, List<Published> published, double sweepSeconds) {

    static GrowthReport of(SweepOptions options, List<Point> points, List<PhaseSplit> phases, double seconds) {
        return new GrowthReport(options.ns(), options.forks(), "H2 2.x, file database under the cache, migrated by Flyway before the forks",
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), points, phases, Published.all(), seconds);
    }

    /** The point, or null. */
    Point point(String style, String variant, int n) {
        return points.stream().filter(p -> p.style().equals(style) && p.variant().equals(variant) && p.n() == n).findFirst().orElse(null);
    }

    /** Styles in measurement order. */
    List<String> styles() {
        return points.stream().map(Point::style).distinct().toList();
    }

    /** Variants of a style in measurement order (default first). */
    List<String> variants(String style) {
        return points.stream().filter(p -> p.style().equals(style)).map(Point::variant).distinct().toList();
    }
}
