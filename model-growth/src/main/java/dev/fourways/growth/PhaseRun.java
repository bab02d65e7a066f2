package dev.fourways.growth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.fourways.growth.styles.Phases;
import dev.fourways.growth.styles.StyleStart;
import dev.fourways.growth.styles.StyleStarts;
import dev.fourways.growth.styles.Started;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One start-up in this fresh JVM with a timer around each bootstrap step ({@link Phases}); prints
 * one JSON line: {@code {"phases":{step: ms}, "totalMs", "classLoadingMs", "classesLoaded"}}.
 * {@code classLoadingMs} is HotSpot's own class-loading timer ({@code sun.cls.time}, read through
 * {@code sun.management.HotspotClassLoadingMBean}; needs
 * {@code --add-exports java.management/sun.management=ALL-UNNAMED}, else -1): the time spent
 * loading and linking classes, which overlaps the steps. Also the training run of the CDS archive.
 *
 * <p>Arguments: style n variant cacheFolder. The pool is opened before the clock, as in the benchmark.
 */
public final class PhaseRun {

    private PhaseRun() {
    }

    public static void main(String[] args) throws Exception {
        String style = args[0];
        int n = Integer.parseInt(args[1]);
        String variant = args[2];
        ModelLayout layout = ModelLayout.of(Path.of(args[3]), n);
        StyleStart start = StyleStarts.byName(style);
        try (HikariDataSource pool = ModelBuilder.open(layout, "growth-phases")) {
            long classesBefore = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
            long loadingBefore = classLoadingMs();
            long t0 = System.nanoTime();
            Phases phases = Phases.start();
            Started started = start.start(pool, ClassLoader.getSystemClassLoader(), layout.basePackage(), variant, phases);
            double total = (System.nanoTime() - t0) / 1e6;
            long loadingAfter = classLoadingMs();
            long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount() - classesBefore;
            if (!Tables.firstCode(n, n).equals(started.firstCode())) {
                throw new IllegalStateException("first query returned " + started.firstCode());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("style", style);
            out.put("variant", variant);
            out.put("n", n);
            out.put("phases", phases.millis());
            out.put("totalMs", total);
            out.put("classLoadingMs", loadingBefore < 0 ? -1 : loadingAfter - loadingBefore);
            out.put("classesLoaded", classes);
            System.out.println(new ObjectMapper().writeValueAsString(out));
            start.close(started);
        }
    }

    /** HotSpot's accumulated class loading time in ms, or -1 when the JDK does not expose it. */
    static long classLoadingMs() {
        try {
            Object bean = Class.forName("sun.management.ManagementFactoryHelper").getMethod("getHotspotClassLoadingMBean").invoke(null);
            return (long) Class.forName("sun.management.HotspotClassLoadingMBean").getMethod("getClassLoadingTime").invoke(bean);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
