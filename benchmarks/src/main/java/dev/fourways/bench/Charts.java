package dev.fourways.bench;

import dev.fourways.bench.Results.Score;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The report's PNG charts, drawn with XChart (headless): per family, µs/op per operation and
 * style with the confidence interval as error bars (logarithmic axis, since one family spans
 * microseconds to milliseconds); the ratio to jdbc of every operation; and start-up time.
 */
final class Charts {

    /** One colour per style, the same in every chart; jdbc is grey, the floor. */
    private static final List<String> ORDER = List.of("jdbc", "hibernate", "mybatis", "jdbi", "jooq");
    private static final Color[] COLOURS = {new Color(0x8c8c8c), new Color(0xbc6c25), new Color(0x2a9d8f),
        new Color(0x457b9d), new Color(0x9b5de5), new Color(0xe63946)};

    private Charts() {
    }

    /** @return the files written, relative to {@code out} */
    static List<String> write(Results run, Path out) {
        List<String> files = new ArrayList<>();
        for (Report.Family family : Report.FAMILIES) {
            List<String> ops = family.operations().stream()
                    .filter(op -> run.scores().stream().anyMatch(s -> s.operation().equals(op))).toList();
            if (!ops.isEmpty()) {
                files.add(save(times(run, family.title(), ops), out, Report.chartName(family.id(), run)));
            }
        }
        List<String> allOps = Report.FAMILIES.stream().flatMap(f -> f.operations().stream())
                .filter(op -> run.find(op, "jdbc").isPresent()).toList();
        if (!allOps.isEmpty() && run.stores().size() > 1) {
            files.add(save(ratios(run, allOps), out, Report.chartName("ratio", run)));
        }
        if (run.scores().stream().anyMatch(s -> s.operation().equals(Report.STARTUP))) {
            files.add(save(startup(run), out, Report.chartName("startup", run)));
        }
        return files;
    }

    private static CategoryChart times(Results run, String title, List<String> ops) {
        CategoryChart chart = base(title + " on " + run.db() + ": time per call (log scale, lower is better)",
                "µs per call (99.9 % CI as error bars)", ops.size());
        chart.getStyler().setYAxisLogarithmic(true);
        double lowest = Double.MAX_VALUE;
        for (String store : stores(run)) {
            List<Double> y = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (String op : ops) {
                Optional<Score> s = run.find(op, store);
                y.add(s.map(Score::micros).orElse(null));
                err.add(s.map(x -> Double.isNaN(x.errorMicros()) ? 0 : Math.min(x.errorMicros(), x.micros() * 0.9)).orElse(0.0));
                if (s.isPresent()) {
                    lowest = Math.min(lowest, s.get().micros() - err.get(err.size() - 1));
                }
            }
            chart.addSeries(store, ops, y, err);
        }
        // Bars start at the axis minimum, which a logarithmic axis cannot put at 0: the power of
        // ten below the lowest error bar.
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lowest))));
        colour(chart, run);
        return chart;
    }

    private static CategoryChart ratios(Results run, List<String> ops) {
        CategoryChart chart = base("Each style's time divided by plain JDBC's, on " + run.db()
                + " (1.0 = as fast as JDBC; lower is better)", "× jdbc", ops.size());
        for (String store : stores(run)) {
            if (store.equals("jdbc")) {
                continue;
            }
            List<Double> y = new ArrayList<>();
            for (String op : ops) {
                Optional<Score> s = run.find(op, store);
                Optional<Score> jdbc = run.find(op, "jdbc");
                y.add(s.isPresent() && jdbc.isPresent() ? s.get().micros() / jdbc.get().micros() : null);
            }
            chart.addSeries(store, ops, y);
        }
        chart.getStyler().setYAxisMin(0.0);
        // The value on every bar, and a line at 1.0: the floor every style is measured against.
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("0.0");
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.getStyler().setLabelsRotation(ops.size() > 6 ? 90 : 0);
        chart.getStyler().setAnnotationLineColor(Color.DARK_GRAY);
        chart.addAnnotation(new AnnotationLine(1.0, false, false));
        colour(chart, run);
        return chart;
    }

    private static CategoryChart startup(Results run) {
        CategoryChart chart = base("Start-up on " + run.db() + ": a fresh JVM to the first findById (lower is better)",
                "ms (mean over forks, 99.9 % CI)", 1);
        for (String store : stores(run)) {
            Optional<Score> s = run.find(Report.STARTUP, store);
            if (s.isPresent()) {
                double err = Double.isNaN(s.get().errorMicros()) ? 0 : s.get().errorMicros() / 1000;
                chart.addSeries(store, List.of("open the store + first findById"), List.of(s.get().micros() / 1000),
                        List.of(Math.min(err, s.get().micros() / 1000 * 0.99)));
            }
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,##0 ms");
        colour(chart, run);
        return chart;
    }

    private static CategoryChart base(String title, String yTitle, int categories) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.min(1600, Math.max(900, 90 * categories + 250))).height(560)
                .title(title).yAxisTitle(yTitle).build();
        Styler.LegendPosition legend = Styler.LegendPosition.OutsideE;
        chart.getStyler().setLegendPosition(legend);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setXAxisLabelRotation(categories > 6 ? 30 : 0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setErrorBarsColor(Color.BLACK);
        return chart;
    }

    private static void colour(CategoryChart chart, Results run) {
        chart.getSeriesMap().forEach((name, series) -> series.setFillColor(colour(name)));
    }

    private static Color colour(String store) {
        int i = ORDER.indexOf(store);
        return COLOURS[i < 0 ? COLOURS.length - 1 : i];
    }

    private static List<String> stores(Results run) {
        List<String> stores = new ArrayList<>(run.stores());
        run.scores().forEach(s -> {
            if (!stores.contains(s.store())) {
                stores.add(s.store());
            }
        });
        return stores;
    }

    private static String save(CategoryChart chart, Path out, String file) {
        try {
            BitmapEncoder.saveBitmap(chart, out.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file, e);
        }
    }
}
