package dev.fourways.bench;

import dev.fourways.bench.Results.Score;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The report's PNG charts, drawn with XChart (headless): per family, µs/op per operation and
 * style with the confidence interval as error bars (one small chart per operation); the ratio to
 * jdbc of every operation; and start-up time.
 */
final class Charts {

    private static final int PANEL_WIDTH = 460;
    private static final int PANEL_HEIGHT = 330;
    /**
     * One colour per style, the same in every chart, by the style's place in {@link Styles#found()}:
     * jdbc (first) is grey, the floor; the five styles of today keep the colours they had when the
     * order was a list here (hibernate, jdbi, jooq, mybatis). Styles beyond the palette get a generated hue.
     */
    private static final Color[] COLOURS = {new Color(0x8c8c8c), new Color(0xbc6c25), new Color(0x457b9d),
        new Color(0x9b5de5), new Color(0x2a9d8f), new Color(0xe63946)};

    private Charts() {
    }

    /** @return the files written, relative to {@code out} */
    static List<String> write(Results run, Path out) {
        List<String> files = new ArrayList<>();
        for (Operations.Family family : Operations.FAMILIES) {
            List<String> ops = family.operations().stream()
                    .filter(op -> run.scores().stream().anyMatch(s -> s.operation().equals(op))).toList();
            if (!ops.isEmpty()) {
                files.add(save(times(run, family.title(), ops), out, Report.chartName(family.id(), run)));
            }
        }
        List<String> allOps = Operations.ALL.stream().map(Operations.Operation::name)
                .filter(op -> run.find(op, "jdbc").isPresent()).toList();
        if (!allOps.isEmpty() && run.stores().size() > 1) {
            files.add(save(ratios(run, allOps), out, Report.chartName("ratio", run)));
        }
        if (run.scores().stream().anyMatch(s -> s.operation().equals(Report.STARTUP))) {
            files.add(save(startup(run), out, Report.chartName("startup", run)));
        }
        RequestThroughput.charts(run).forEach((file, spec) -> files.add(save(bars(spec), out, file)));
        return files;
    }

    /**
     * Small multiples: one small chart per operation, each on its own linear axis from 0, one bar
     * per style with its confidence interval, put side by side in one image. (A single logarithmic
     * chart would fit microseconds and milliseconds together, but XChart draws error bars wrongly
     * on a logarithmic axis.)
     */
    private static BufferedImage times(Results run, String title, List<String> ops) {
        List<String> stores = stores(run);
        List<BufferedImage> panels = new ArrayList<>();
        for (String op : ops) {
            CategoryChart chart = new CategoryChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                    .title(op + " on " + run.label()).yAxisTitle("µs per call").build();
            style(chart, stores.size());
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setOverlapped(true);
            chart.getStyler().setYAxisMin(0.0);
            // No value labels: the other styles' empty (zero) bars in each category would get one
            // too. The report's tables have the numbers.
            for (String store : stores) {
                List<Double> y = new ArrayList<>();
                List<Double> err = new ArrayList<>();
                for (String s : stores) {
                    Optional<Score> score = s.equals(store) ? run.find(op, store) : Optional.empty();
                    y.add(score.map(Score::micros).orElse(0.0));
                    err.add(score.map(x -> Double.isNaN(x.errorMicros()) ? 0 : x.errorMicros()).orElse(0.0));
                }
                chart.addSeries(store, stores, y, err);
            }
            colour(chart, run);
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        int columns = Math.min(3, panels.size());
        int rows = (panels.size() + columns - 1) / columns;
        int header = 40;
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 17);
        String heading = title + " on " + run.label() + ": µs per call, lower is better (error bars: 99.9 % CI)";
        // As wide as the title needs: a single panel is narrower than its title.
        int width = Math.max(columns * PANEL_WIDTH, textWidth(heading, titleFont) + 24);
        BufferedImage image = new BufferedImage(width, header + rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        g.drawString(heading, 12, 27);
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(panels.get(i), (i % columns) * PANEL_WIDTH, header + (i / columns) * PANEL_HEIGHT, null);
        }
        g.dispose();
        return image;
    }

    private static int textWidth(String text, Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        int width = g.getFontMetrics(font).stringWidth(text);
        g.dispose();
        return width;
    }

    /**
     * The ratio of every operation, on a logarithmic axis so that one 30× bar does not flatten the
     * others (1.0 sits in the middle: below it faster than jdbc, above it slower), the value on
     * each bar, and under the chart the bars the tables mark ≈ (within noise) or ⚠ (noisy) and
     * the operations that failed.
     */
    private static BufferedImage ratios(Results run, List<String> ops) {
        CategoryChart chart = base("Each style's time divided by plain JDBC's, on " + run.label()
                + " (1.0 = as fast as JDBC; lower is better; log scale)", "× jdbc (log scale)", ops.size());
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
        double min = ops.stream().flatMap(op -> stores(run).stream().map(st -> Report.ratio(run, op, st)))
                .filter(r -> !Double.isNaN(r)).mapToDouble(Double::doubleValue).min().orElse(1);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
        chart.getStyler().setYAxisMin(Math.min(0.5, min * 0.8));
        // The value on every bar, and a line at 1.0: the floor every style is measured against.
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("0.0");
        chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.getStyler().setLabelsRotation(ops.size() > 6 ? 90 : 0);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setAnnotationLineColor(Color.DARK_GRAY);
        chart.addAnnotation(new AnnotationLine(1.0, false, false));
        colour(chart, run);
        return withNotes(BitmapEncoder.getBufferedImage(chart), marksNotes(run, ops));
    }

    /** Per style, the operations whose ratio the tables mark ≈ or ⚠, and those that failed. */
    private static List<String> marksNotes(Results run, List<String> ops) {
        List<String> notes = new ArrayList<>();
        for (String store : stores(run)) {
            if (store.equals("jdbc")) {
                continue;
            }
            List<String> about = new ArrayList<>();
            List<String> noisy = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            for (String op : ops) {
                String marks = ChartData.marks(run, op, store);
                if (run.find(op, store).isEmpty()) {
                    failed.add(op);
                }
                if (marks.contains("≈")) {
                    about.add(op);
                }
                if (marks.contains("⚠")) {
                    noisy.add(op);
                }
            }
            notes.add(store + ": ≈ jdbc (within noise): " + (about.isEmpty() ? "none" : String.join(", ", about))
                    + (noisy.isEmpty() ? "" : "; ⚠ noisy: " + String.join(", ", noisy))
                    + (failed.isEmpty() ? "" : "; failed ✗: " + String.join(", ", failed)));
        }
        return notes;
    }

    /** The chart with lines of text under it (wrapped to its width). */
    private static BufferedImage withNotes(BufferedImage chart, List<String> notes) {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        List<String> lines = new ArrayList<>();
        for (String note : notes) {
            StringBuilder line = new StringBuilder();
            for (String word : note.split(" ")) {
                if (textWidth(line + " " + word, font) > chart.getWidth() - 24 && line.length() > 0) {
                    lines.add(line.toString());
                    line = new StringBuilder("    ");
                }
                line.append(line.length() > 0 && !line.toString().isBlank() ? " " : "").append(word);
            }
            lines.add(line.toString());
        }
        BufferedImage image = new BufferedImage(chart.getWidth(), chart.getHeight() + 10 + lines.size() * 17,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.drawImage(chart, 0, 0, null);
        g.setColor(Color.DARK_GRAY);
        g.setFont(font);
        for (int i = 0; i < lines.size(); i++) {
            g.drawString(lines.get(i), 12, chart.getHeight() + 20 + i * 17);
        }
        g.dispose();
        return image;
    }

    private static CategoryChart startup(Results run) {
        List<String> stores = stores(run).stream().filter(st -> run.find(Report.STARTUP, st).isPresent()).toList();
        List<String> labels = stores.stream().map(st -> {
            List<Long> classes = run.startupClasses().getOrDefault(st, List.of());
            return classes.isEmpty() ? st : "%s (%,d classes)".formatted(st,
                    Math.round(classes.stream().mapToLong(Long::longValue).average().orElse(0)));
        }).toList();
        CategoryChart chart = base("Start-up on " + run.label() + ": a fresh JVM to the first findById (lower is better)",
                "ms (mean over forks, 99.9 % CI)", stores.size());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(0);
        for (String store : stores) {
            List<Double> y = new ArrayList<>();
            List<Double> err = new ArrayList<>();
            for (String other : stores) {
                Optional<Score> s = other.equals(store) ? run.find(Report.STARTUP, store) : Optional.empty();
                y.add(s.map(x -> x.micros() / 1000).orElse(0.0));
                err.add(s.map(x -> Double.isNaN(x.errorMicros()) ? 0 : x.errorMicros() / 1000).orElse(0.0));
            }
            chart.addSeries(store, labels, y, err);
        }
        chart.getStyler().setYAxisMin(0.0);
        colour(chart, run);
        return chart;
    }

    /** A chart of {@code REPORT.html}'s (grouped bars, one series per style) as a PNG for the Markdown. */
    private static CategoryChart bars(ChartData.Spec spec) {
        CategoryChart chart = base(spec.title(), spec.unit(), spec.categories().size());
        chart.getStyler().setYAxisLogarithmic(spec.log());
        double smallest = Double.MAX_VALUE;
        for (ChartData.Series s : spec.series()) {
            // A point not run stays null: no bar (a 0 would be a bar, and impossible on a log axis).
            List<Double> values = s.points().stream().map(ChartData.Point::value).toList();
            chart.addSeries(s.name(), spec.categories(), values);
            chart.getSeriesMap().get(s.name()).setFillColor(colour(s.name()));
            smallest = values.stream().filter(v -> v != null && v > 0).mapToDouble(Double::doubleValue).reduce(smallest, Math::min);
        }
        // Bars start at the axis minimum, which XChart puts at 0 unless told; a log axis needs it above 0.
        chart.getStyler().setYAxisMin(spec.log() ? smallest * 0.8 : 0.0);
        return chart;
    }

    private static CategoryChart base(String title, String yTitle, int categories) {
        CategoryChart chart = new CategoryChartBuilder().width(Math.min(1600, Math.max(900, 90 * categories + 250))).height(560)
                .title(title).yAxisTitle(yTitle).build();
        style(chart, categories);
        return chart;
    }

    private static void style(CategoryChart chart, int categories) {
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
    }

    private static void colour(CategoryChart chart, Results run) {
        chart.getSeriesMap().forEach((name, series) -> series.setFillColor(colour(name)));
    }

    /** A style's colour as {@code #rrggbb}, for REPORT.html's charts. */
    static String hex(String store) {
        return String.format("#%06x", colour(store).getRGB() & 0xffffff);
    }

    private static Color colour(String store) {
        int i = Styles.found().indexOf(store);
        if (i < 0) {
            // A style of a run folder from another build: a stable hue of its own.
            i = Styles.found().size() + Math.floorMod(store.hashCode(), 64);
        }
        return i < COLOURS.length ? COLOURS[i] : Color.getHSBColor(i * 0.618034f % 1, 0.65f, 0.75f);
    }

    /** The run's styles and any other style with a score, in {@link Styles#inOrder} order. */
    static List<String> stores(Results run) {
        List<String> stores = new ArrayList<>(run.stores());
        run.scores().forEach(s -> stores.add(s.store()));
        return Styles.inOrder(stores);
    }

    private static String save(CategoryChart chart, Path out, String file) {
        return save(BitmapEncoder.getBufferedImage(chart), out, file);
    }

    private static String save(BufferedImage image, Path out, String file) {
        try {
            ImageIO.write(image, "png", out.resolve(file).toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + file, e);
        }
    }
}
