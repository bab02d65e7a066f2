package dev.fourways.bench;

import dev.fourways.bench.Results.Score;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The data of REPORT.html's interactive charts, one spec per chart, keyed by the file name of the
 * PNG chart it replaces ({@link Report#chartName}); the page's script turns each spec into an
 * ECharts option. Horizontal bars, so that no operation's name is cut; a logarithmic axis where
 * the values span more than {@value #LOG_SPAN}× (always for ratios), so that one 30× bar does not
 * flatten the rest; the ⚠ and ≈ marks of the tables at the end of each bar.
 */
final class ChartData {

    /** Above this ratio of largest to smallest value, a chart's value axis is logarithmic. */
    static final double LOG_SPAN = 30;
    static final String MARKS = "≈: within noise of jdbc; ⚠: noisy (a 99.9 % interval wider than 20 % of its mean); "
            + "hover over a bar for µs/op, interval and ratio";

    private ChartData() {
    }

    /**
     * One chart.
     *
     * @param title      the chart's title
     * @param unit       the value axis's name ({@code µs per call}, {@code × jdbc}, {@code ms})
     * @param log        a logarithmic value axis
     * @param jdbcLine   a line at 1.0 (the ratio chart)
     * @param categories the bars' groups, top to bottom (operations, or styles for start-up)
     * @param series     one per style
     * @param height     the chart's height in CSS pixels, enough for every bar's label
     * @param note       shown under the chart
     */
    record Spec(String title, String unit, boolean log, boolean jdbcLine, List<String> categories, List<Series> series,
                int height, String note) {
    }

    /** One style's bars; {@code colour} as {@code #rrggbb}, the same as in the PNG charts. */
    record Series(String name, String colour, List<Point> points) {
    }

    /**
     * One bar.
     *
     * @param value µs, ratio or ms; null when not timed (then {@code label} says why)
     * @param label the text at the end of the bar, with the ⚠/≈ marks
     * @param tip   the tooltip line: value, interval, ratio
     */
    record Point(Double value, String label, String tip) {
    }

    /** Every chart of every run, keyed by the PNG file name the Markdown links. */
    static Map<String, Spec> all(List<Results> runs) {
        Map<String, Spec> specs = new LinkedHashMap<>();
        for (Results run : runs) {
            for (Operations.Family family : Operations.FAMILIES) {
                List<String> ops = family.operations().stream().filter(op -> Report.measured(run, op)).toList();
                if (!ops.isEmpty()) {
                    specs.put(Report.chartName(family.id(), run), times(run, family.title(), ops));
                }
            }
            List<String> ratioOps = Operations.ALL.stream().map(Operations.Operation::name)
                    .filter(op -> run.find(op, "jdbc").isPresent()).toList();
            if (!ratioOps.isEmpty() && run.stores().size() > 1) {
                specs.put(Report.chartName("ratio", run), ratios(run, ratioOps));
            }
            if (run.scores().stream().anyMatch(s -> s.operation().equals(Report.STARTUP))) {
                specs.put(Report.chartName("startup", run), startup(run));
            }
            specs.putAll(RequestThroughput.charts(run));
        }
        return specs;
    }

    private static Spec times(Results run, String title, List<String> ops) {
        List<Series> series = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String store : Charts.stores(run)) {
            List<Point> points = new ArrayList<>();
            for (String op : ops) {
                Optional<Score> s = run.find(op, store);
                if (s.isEmpty()) {
                    points.add(missing(run, op, store));
                    continue;
                }
                values.add(s.get().micros());
                String marks = marks(run, op, store);
                points.add(new Point(s.get().micros(), Report.micros(s.get().micros()) + marks,
                        Report.micros(s.get().micros()) + " ± " + Report.micros(s.get().errorMicros()) + " µs/op, "
                                + Report.ratioCell(run, op, store) + " × jdbc"));
            }
            series.add(new Series(store, Charts.hex(store), points));
        }
        boolean log = span(values) > LOG_SPAN;
        return new Spec(title + " on " + run.label() + ": µs per call, lower is better", "µs per call" + (log ? " (log scale)" : ""),
                log, false, ops, series, height(ops.size(), series.size()), MARKS);
    }

    private static Spec ratios(Results run, List<String> ops) {
        List<Series> series = new ArrayList<>();
        for (String store : Charts.stores(run)) {
            if (store.equals("jdbc")) {
                continue;
            }
            List<Point> points = new ArrayList<>();
            for (String op : ops) {
                Optional<Report.RatioInterval> r = Report.ratioInterval(run, op, store);
                if (r.isEmpty()) {
                    points.add(missing(run, op, store));
                    continue;
                }
                Score s = run.find(op, store).orElseThrow();
                Score j = run.find(op, "jdbc").orElseThrow();
                points.add(new Point(r.get().ratio(), String.format(Locale.ROOT, "%.2f", r.get().ratio()) + marks(run, op, store),
                        String.format(Locale.ROOT, "%s × jdbc (interval %.2f–%s): %s µs against jdbc's %s µs, %s%s µs per call",
                                Report.ratioCell(run, op, store), r.get().low(),
                                Double.isInfinite(r.get().high()) ? "∞" : String.format(Locale.ROOT, "%.2f", r.get().high()),
                                Report.micros(s.micros()), Report.micros(j.micros()), s.micros() >= j.micros() ? "+" : "",
                                Report.micros(s.micros() - j.micros()))));
            }
            series.add(new Series(store, Charts.hex(store), points));
        }
        return new Spec("Each style's time divided by plain JDBC's, on " + run.label() + " (1.0 = as fast as jdbc; lower is better)",
                "× jdbc (log scale)", true, true, ops, series, height(ops.size(), series.size()), MARKS);
    }

    private static Spec startup(Results run) {
        List<String> stores = Charts.stores(run);
        List<Series> series = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (String store : stores) {
            List<Point> points = new ArrayList<>();
            for (String category : stores) {
                Optional<Score> s = category.equals(store) ? run.find(Report.STARTUP, store) : Optional.empty();
                if (s.isEmpty()) {
                    points.add(new Point(null, "", category.equals(store) ? "not timed" : ""));
                    continue;
                }
                double ms = s.get().micros() / 1000;
                values.add(ms);
                List<Long> classes = run.startupClasses().getOrDefault(store, List.of());
                points.add(new Point(ms, String.format(Locale.ROOT, "%,.0f ms", ms), String.format(Locale.ROOT,
                        "%,.0f ± %,.0f ms from a fresh JVM to the first findById%s", ms, s.get().errorMicros() / 1000,
                        classes.isEmpty() ? "" : String.format(Locale.ROOT, ", %,d classes loaded",
                                Math.round(classes.stream().mapToLong(Long::longValue).average().orElse(0))))));
            }
            series.add(new Series(store, Charts.hex(store), points));
        }
        boolean log = span(values) > LOG_SPAN;
        return new Spec("Start-up on " + run.label() + ": a fresh JVM to the first findById, lower is better",
                "ms (mean over forks)" + (log ? ", log scale" : ""), log, false, stores, series, height(stores.size(), 1),
                "one bar per style; the tooltip has the 99.9 % interval and the classes loaded");
    }

    private static Point missing(Results run, String op, String store) {
        String why = Report.notTimed(run, op, store);
        return new Point(null, why, why);
    }

    /** The table's marks for a result, for the end of its bar: " ≈" within noise of jdbc, " ⚠" noisy. */
    static String marks(Results run, String op, String store) {
        String marks = "";
        if (!store.equals("jdbc") && Report.ratioInterval(run, op, store).map(Report.RatioInterval::aboutOne).orElse(false)) {
            marks += " ≈";
        }
        if (run.find(op, store).map(Report::noisy).orElse(false)
                || !store.equals("jdbc") && run.find(op, "jdbc").map(Report::noisy).orElse(false)) {
            marks += " ⚠";
        }
        return marks;
    }

    private static double span(List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(1);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        return max / min;
    }

    private static int height(int categories, int series) {
        return 110 + categories * Math.max(34, series * 17);
    }
}
