package dev.fourways.growth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG charts, drawn with XChart as benchmarks' charts are. */
final class GrowthCharts {

    private static final Map<String, Color> COLORS = Map.of("jdbc", Color.GRAY, "hibernate", new Color(0xB8, 0x5C, 0x00),
            "mybatis", new Color(0x1F, 0x77, 0xB4), "jdbi", new Color(0x2C, 0xA0, 0x2C), "jooq", new Color(0x94, 0x67, 0xBD));

    /** The step every style's start-up ends with ({@code Phases.lap} name in each {@code StyleStart}). */
    private static final String FIRST_QUERY = "first query";

    private GrowthCharts() {
    }

    static List<Path> write(GrowthReport r, Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        if (r.ns().size() >= 2) {
            files.add(save(logLog(r), out.resolve("growth-loglog")));
        }
        if (!r.phases().isEmpty()) {
            files.add(save(phases(r), out.resolve("growth-phases")));
        }
        return files;
    }

    /**
     * Median start-up against n, both axes logarithmic: solid = default, dashed = the style's
     * fastest library setting at the largest n, dotted = its fastest run with an AppCDS archive
     * (only variants measured at every n are candidates, so each line is one setup throughout).
     */
    private static XYChart logLog(GrowthReport r) {
        XYChart chart = new XYChartBuilder().width(1100).height(680)
                .title("Start-up to first query against model size (median of forks, log-log)")
                .xAxisTitle("tables in the model (log)").yAxisTitle("start-up, ms (log)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        int largest = r.ns().get(r.ns().size() - 1);
        for (String style : r.styles()) {
            add(chart, r, style, "default", style + " (default)", Line.SOLID);
            fastest(r, style, largest, false).ifPresent(v -> add(chart, r, style, v, style + " (" + v + ")", Line.DASHED));
            fastest(r, style, largest, true).ifPresent(v -> add(chart, r, style, v, style + " (" + v + ")", Line.DOTTED));
        }
        return chart;
    }

    private enum Line { SOLID, DASHED, DOTTED }

    /** The non-default variant (with or without AppCDS) measured at every n whose median is lowest at {@code largest}. */
    private static java.util.Optional<String> fastest(GrowthReport r, String style, int largest, boolean cds) {
        return r.variants(style).stream()
                .filter(v -> !v.equals("default") && isCds(v) == cds)
                .filter(v -> r.ns().stream().allMatch(n -> r.point(style, v, n) != null))
                .min(Comparator.comparingDouble(v -> r.point(style, v, largest).medianMs()));
    }

    /** Labels of runs with an AppCDS archive: {@code cds}, {@code <variant>+cds}. */
    static boolean isCds(String variant) {
        return variant.equals("cds") || variant.endsWith("+cds");
    }

    private static void add(XYChart chart, GrowthReport r, String style, String variant, String name, Line line) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int n : r.ns()) {
            Point p = r.point(style, variant, n);
            if (p != null) {
                xs.add((double) n);
                ys.add(p.medianMs());
            }
        }
        if (xs.size() < 2) {
            return;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(COLORS.getOrDefault(style, Color.BLACK));
        s.setMarkerColor(COLORS.getOrDefault(style, Color.BLACK));
        switch (line) {
            case SOLID -> {
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setLineStyle(new BasicStroke(2.5f));
            }
            case DASHED -> {
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
            }
            case DOTTED -> {
                s.setMarker(SeriesMarkers.TRIANGLE_UP);
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 4f}, 0f));
            }
        }
    }

    /** Stacked bars: each style's start-up at the largest n split into its measured steps. */
    private static CategoryChart phases(GrowthReport r) {
        List<String> bars = r.phases().stream().map(p -> p.style() + (p.variant().equals("default") ? "" : " (" + p.variant() + ")")).toList();
        Set<String> steps = new LinkedHashSet<>();
        r.phases().forEach(p -> steps.addAll(p.phasesMs().keySet()));
        // Bootstrap steps from the bottom of each bar up, the first query on top, as they happen
        // (the floor's bar has only a first query, which would otherwise come first).
        if (steps.remove(FIRST_QUERY)) {
            steps.add(FIRST_QUERY);
        }
        CategoryChart chart = new CategoryChartBuilder().width(1300).height(720)
                .title("Where start-up time goes at n=" + r.phases().get(0).n() + " tables (median, ms)")
                .xAxisTitle("style").yAxisTitle("ms").build();
        chart.getStyler().setStacked(true);
        // XChart's default palette repeats after a few series: give each step its own colour.
        chart.getStyler().setSeriesColors(new Color[] {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
                new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
                new Color(0xBCBD22), new Color(0x17BECF), new Color(0x393B79), new Color(0xAD494A), new Color(0x637939),
                new Color(0xE7BA52), new Color(0x5254A3)});
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        // One bar per style and variant: slanted labels stay readable side by side.
        chart.getStyler().setXAxisLabelRotation(40);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        for (String step : steps) {
            List<Double> values = r.phases().stream().map(p -> p.phasesMs().getOrDefault(step, 0.0)).toList();
            chart.addSeries(step, bars, values);
        }
        return chart;
    }

    private static Path save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path base) throws IOException {
        BitmapEncoder.saveBitmapWithDPI(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG, 120);
        return Path.of(base + ".png");
    }
}
