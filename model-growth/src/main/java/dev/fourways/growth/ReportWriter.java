package dev.fourways.growth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes growth.json (the {@link GrowthReport} as is), growth.md (tables: time against n with
 * spread, heap and classes; marginal ms per table; growth ratio; mitigations; phase split;
 * published reports) and the charts ({@link GrowthCharts}).
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /** @return the files written */
    public static List<Path> write(GrowthReport report, Path out) throws IOException {
        Files.createDirectories(out);
        List<Path> files = new ArrayList<>();
        Path json = out.resolve("growth.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
        files.add(json);
        files.addAll(GrowthCharts.write(report, out));
        Path md = out.resolve("growth.md");
        Files.writeString(md, markdown(report), StandardCharsets.UTF_8);
        files.add(md);
        return files;
    }

    static String markdown(GrowthReport r) {
        StringBuilder s = new StringBuilder("# Start-up as the model grows\n\n");
        s.append(String.format(Locale.ROOT, "From a fresh JVM to the first query answered on a generated table (JMH SingleShotTime, "
                        + "one measurement per fork, no warm-up), %d fork(s) per point, median and (min–max) in ms. %s. %s, %d cores. "
                        + "Sweep took %.0f s. The machine is shared: compare styles as ratios within this run.%n%n",
                r.forks(), r.database(), r.java(), r.cores(), r.sweepSeconds()));
        s.append("![start-up against tables, log-log](growth-loglog.png)\n\n");
        reading(r, s);
        timeTable(r, s);
        marginal(r, s);
        mitigations(r, s);
        lowest(r, s);
        phases(r, s);
        published(r, s);
        allPoints(r, s);
        return s.toString();
    }

    /**
     * One line per style, each statement computed from this run's figures: its growth over the
     * sizes measured, its largest step at the largest n, and its lowest setup there.
     */
    private static void reading(GrowthReport r, StringBuilder s) {
        if (r.ns().size() < 2) {
            return;
        }
        int lo = r.ns().get(0);
        int hi = r.ns().get(r.ns().size() - 1);
        s.append("## Reading this run\n\n");
        for (String style : r.styles()) {
            Point a = r.point(style, "default", lo);
            Point b = r.point(style, "default", hi);
            if (a == null || b == null) {
                continue;
            }
            s.append(String.format(Locale.ROOT, "- **%s**: %,.0f ms at %d tables, %,.0f ms at %d (%.2f ms per added table, %.1f×)", style,
                    a.medianMs(), lo, b.medianMs(), hi, (b.medianMs() - a.medianMs()) / (hi - lo), b.medianMs() / a.medianMs()));
            r.phases().stream().filter(p -> p.style().equals(style) && p.variant().equals("default")).findFirst()
                    .flatMap(p -> p.phasesMs().entrySet().stream().max(Map.Entry.comparingByValue())
                            .map(e -> String.format(Locale.ROOT, "; at %d tables its largest step is %s, %,.0f ms of %,.0f (%.0f %%)",
                                    p.n(), e.getKey(), e.getValue(), p.totalMs(), 100 * e.getValue() / p.totalMs())))
                    .ifPresent(s::append);
            r.variants(style).stream().map(v -> r.point(style, v, hi)).filter(java.util.Objects::nonNull)
                    .filter(p -> !p.variant().equals("default"))
                    .min(java.util.Comparator.comparingDouble(Point::medianMs))
                    .ifPresent(p -> s.append(String.format(Locale.ROOT, "; lowest at %d tables: `%s`, %,.0f ms (%+.0f %%%s)", hi, p.variant(),
                            p.medianMs(), 100 * (p.medianMs() / b.medianMs() - 1),
                            p.minMs() <= b.maxMs() && b.minMs() <= p.maxMs() ? ", ≈: the fork ranges overlap" : "")));
            s.append(".\n");
        }
        s.append("\nThe module's README (model-growth/README.md) explains these figures with profiles and the libraries' documentation.\n\n");
    }

    private static void timeTable(GrowthReport r, StringBuilder s) {
        s.append("## Start-up time (default setup of each style)\n\n");
        styleByN(r, s, "---:", (style, n) -> {
            Point p = r.point(style, "default", n);
            return p == null ? "–" : String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", p.medianMs(), p.minMs(), p.maxMs());
        });
        s.append("\nHeap used after start (MB, after a full GC) / classes loaded during the start-up, default setup:\n\n");
        styleByN(r, s, "---:", (style, n) -> {
            Point p = r.point(style, "default", n);
            return p == null ? "–" : String.format(Locale.ROOT, "%.0f MB / %.0f", p.heapUsedMb(), p.classesLoaded());
        });
        s.append('\n');
    }

    /** A table with a row per style and a column per n, each cell from {@code cell}. */
    private static void styleByN(GrowthReport r, StringBuilder s, String align, java.util.function.BiFunction<String, Integer, String> cell) {
        s.append("| style |");
        r.ns().forEach(n -> s.append(" n=").append(n).append(" |"));
        s.append("\n|---|").append((align + "|").repeat(r.ns().size())).append('\n');
        for (String style : r.styles()) {
            s.append("| ").append(style).append(" |");
            for (int n : r.ns()) {
                s.append(' ').append(cell.apply(style, n)).append(" |");
            }
            s.append('\n');
        }
    }

    private static void marginal(GrowthReport r, StringBuilder s) {
        if (r.ns().size() < 2) {
            return;
        }
        int lo = r.ns().get(0);
        int hi = r.ns().get(r.ns().size() - 1);
        int ratioLo = r.ns().contains(100) && hi > 100 ? 100 : r.ns().get(r.ns().size() - 2);
        s.append(String.format(Locale.ROOT, "## Marginal cost per table and growth%n%nMarginal cost = (median at n=%d − median at n=%d) / %d tables, "
                + "in ms per table; growth ratio = median at n=%d / median at n=%d (linear growth from a fixed cost stays ≤ %.0f).%n%n"
                + "| style | variant | ms per table | time(%d) / time(%d) |%n|---|---|---:|---:|%n", hi, lo, hi - lo, hi, ratioLo,
                (double) hi / ratioLo, hi, ratioLo));
        for (String style : r.styles()) {
            for (String variant : r.variants(style)) {
                Point a = r.point(style, variant, lo);
                Point b = r.point(style, variant, hi);
                Point c = r.point(style, variant, ratioLo);
                if (a == null || b == null) {
                    continue;
                }
                s.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s |%n", style, variant, (b.medianMs() - a.medianMs()) / (hi - lo),
                        c == null ? "–" : String.format(Locale.ROOT, "%.1f", b.medianMs() / c.medianMs())));
            }
        }
        s.append('\n');
    }

    private static void mitigations(GrowthReport r, StringBuilder s) {
        s.append("## Mitigations beside the default\n\nMedian ms (min–max), and the change against the same style's default at the same n. "
                + "`cds` is the default setup started with a dynamic AppCDS archive (`-XX:SharedArchiveFile`), trained by one start-up "
                + "of the same setup at that n; `<variant>+cds` the same for the style's variant with all its library's mitigations. "
                + "≈ marks a change whose fork range overlaps the default's: not resolved by this run.\n\n"
                + "| style | variant | n | median ms | vs default |\n|---|---|---:|---:|---:|\n");
        for (String style : r.styles()) {
            for (String variant : r.variants(style)) {
                if (variant.equals("default")) {
                    continue;
                }
                for (int n : r.ns()) {
                    Point p = r.point(style, variant, n);
                    Point d = r.point(style, "default", n);
                    if (p == null || d == null) {
                        continue;
                    }
                    // Overlapping min–max ranges: the forks cannot tell the two apart on this run.
                    boolean overlap = p.minMs() <= d.maxMs() && d.minMs() <= p.maxMs();
                    s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f (%.0f–%.0f) | %+.0f ms (%+.0f%%)%s |%n", style, variant, n,
                            p.medianMs(), p.minMs(), p.maxMs(), p.medianMs() - d.medianMs(), 100 * (p.medianMs() / d.medianMs() - 1),
                            overlap ? " ≈" : ""));
                }
            }
        }
        s.append('\n');
    }

    /** Per style and n, the lowest median of any setup measured, and which setup gave it. */
    private static void lowest(GrowthReport r, StringBuilder s) {
        s.append("## Lowest start-up reached\n\nPer style and n, the setup with the lowest median (ms), AppCDS runs included.\n\n");
        styleByN(r, s, "---", (style, n) -> r.variants(style).stream().map(v -> r.point(style, v, n)).filter(java.util.Objects::nonNull)
                .min(java.util.Comparator.comparingDouble(Point::medianMs))
                .map(best -> String.format(Locale.ROOT, "%,.0f (%s)", best.medianMs(), best.variant())).orElse("–"));
        s.append('\n');
    }

    private static void phases(GrowthReport r, StringBuilder s) {
        if (r.phases().isEmpty()) {
            return;
        }
        s.append("## Where the time goes (largest n)\n\nTimers around each bootstrap step in a fresh JVM (Hibernate through its native bootstrap "
                + "with the same settings, so metadata, factory and validation are separate steps); median of the runs, ms. "
                + "Class loading is HotSpot's own class-loading timer over the whole start-up: it overlaps the steps.\n\n"
                + "![phase split](growth-phases.png)\n\n| style | variant | n | step | ms | share |\n|---|---|---:|---|---:|---:|\n");
        for (PhaseSplit p : r.phases()) {
            double sum = p.phasesMs().values().stream().mapToDouble(Double::doubleValue).sum();
            p.phasesMs().forEach((name, ms) -> s.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %.1f | %.0f%% |%n",
                    p.style(), p.variant(), p.n(), name, ms, 100 * ms / sum)));
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | *total (class loading within it: %.0f ms, %.0f classes)* | %.1f | |%n",
                    p.style(), p.variant(), p.n(), p.classLoadingMs(), p.classesLoaded(), p.totalMs()));
        }
        s.append('\n');
    }

    private static void published(GrowthReport r, StringBuilder s) {
        s.append("## Published reports, beside the measured curve\n\n| library | model | reported | source |\n|---|---|---|---|\n");
        for (Published p : r.published()) {
            s.append("| ").append(p.library()).append(" | ").append(p.modelSize()).append(" | ").append(p.reported()).append(" | ")
                    .append(p.url().isEmpty() ? "–" : p.url()).append(" |\n");
        }
        s.append('\n');
    }

    private static void allPoints(GrowthReport r, StringBuilder s) {
        s.append("## Every point\n\nCPU ms: CPU time of the whole JVM (all threads) during the start-up, median; steadier than "
                + "wall-clock time on a shared machine.\n\n| style | variant | n | median ms | min–max ms | CPU ms | heap MB | classes loaded | built by the library |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Point p : r.points()) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f–%.0f | %s | %.0f | %.0f | %s |%n", p.style(), p.variant(), p.n(),
                    p.medianMs(), p.minMs(), p.maxMs(), p.cpuMs() > 0 ? String.format(Locale.ROOT, "%.0f", p.cpuMs()) : "–", p.heapUsedMb(), p.classesLoaded(), p.mappedTypes() < 0 ? "–" : p.mappedTypes()));
        }
    }
}
