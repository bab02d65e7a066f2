package dev.fourways.bench;

import dev.fourways.bench.Operations.Family;
import dev.fourways.bench.Results.Score;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes {@code REPORT.md} and its charts from one or more run folders. With several runs (H2 and
 * PostgreSQL, say), every table puts them side by side: the same operation and style, each
 * database's time, ratio to jdbc and added microseconds.
 */
final class Report {

    static final String STARTUP = "openAndFindFirstUser";
    /** How far the last warm-up iteration may be from the measured mean and still count as steady. */
    static final double WARMUP_TOLERANCE = 0.10;

    private final List<Results> runs;
    private final Path out;
    private final StringBuilder md = new StringBuilder();

    private Report(List<Results> runs, Path out) {
        this.runs = runs;
        this.out = out;
    }

    /**
     * Writes {@code REPORT.md}, {@code REPORT.html} (the same, with interactive charts) and the PNG charts into {@code out}.
     *
     * @param runs one or more runs; the first is the reference for B/op and the headline
     * @return the report file
     */
    static Path write(List<Results> runs, Path out) {
        Report report = new Report(labelled(runs), out);
        try {
            Files.createDirectories(out);
            report.render();
            Path file = out.resolve("REPORT.md");
            Files.writeString(file, report.md, StandardCharsets.UTF_8);
            HtmlReport.write(report.md.toString(), report.runs, out);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + out, e);
        }
    }

    /** Numbers the runs of a database that appears more than once (h2-1, h2-2), so their tables and charts stay apart. */
    private static List<Results> labelled(List<Results> runs) {
        Map<String, Long> perDb = runs.stream().collect(Collectors.groupingBy(Results::db, Collectors.counting()));
        Map<String, Integer> seen = new java.util.HashMap<>();
        return runs.stream().map(r -> perDb.get(r.db()) == 1 ? r
                : r.withLabel(r.db() + "-" + seen.merge(r.db(), 1, Integer::sum))).toList();
    }

    private void render() {
        Results first = runs.get(0);
        md.append("# fourways: what each data-access style costs over plain JDBC\n\n");
        md.append(runs.size() == 1
                ? "One run on **%s**, %s.\n\n".formatted(first.label(), first.environment().getOrDefault("mode", ""))
                : "Runs side by side: %s.\n\n".formatted(runs.stream().map(r -> "**" + r.label() + "**")
                        .collect(Collectors.joining(", "))));
        md.append("""
                How to read it: every style runs the same operation on the same seeded data (10 purchases \
                per user), through the same HikariCP pool, in its own JVM. **µs/op** is JMH's average time \
                per call with its 99.9 %% confidence interval; **× jdbc** divides by the plain-JDBC \
                reference (1.00 = as fast as hand-written JDBC); **+µs** is the time the style adds per \
                call; **stmts** the round trips the database saw for one call; **B/op** the bytes the JVM \
                allocated per call; **commits** the commits or rollbacks that ended an explicit transaction \
                (each one more round trip on a server; 0 means autocommit, see `UserStore`'s transaction \
                policy). Lower is better everywhere. A style that gave different answers from jdbc in the \
                fairness check fails its trial: the tables show **failed ✗** and "Not timed" lists it. An \
                operation that `--bench` filtered out was not run and is left out of the tables and charts.

                **Noise.** ⚠ marks a result whose 99.9 %% interval is wider than %.0f %% of its mean: \
                rerun it (or use `--full`) before quoting it. A ratio whose interval (from both results' \
                intervals) includes 1.00 reads **≈ jdbc**: not a win and not a loss.

                """.formatted(NOISY * 100));
        for (Results run : runs) {
            String benchmarks = run.environment().getOrDefault("benchmarks", "all");
            if (!benchmarks.equals("all")) {
                md.append("**").append(run.label()).append("** ran only some benchmarks (").append(benchmarks)
                        .append("); the others were not run.\n\n");
            }
        }
        md.append(Summary.markdown(runs));
        headline();
        for (Family family : Operations.FAMILIES) {
            familyTable(family);
        }
        startup();
        md.append(ClaimThroughput.markdown(runs));
        md.append(UpsertThroughput.markdown(runs));
        md.append(RequestThroughput.markdown(runs));
        growth();
        charts();
        warmupCheck();
        agreement();
        belowFloor();
        missing();
        environment();
    }

    /**
     * Every operation's jdbc time and each style's ratio to it: one table per database, the runs of
     * that database side by side (the root README's tables are these, copied from the sample).
     */
    private void headline() {
        List<String> stores = Styles.inOrder(runs.stream().flatMap(r -> others(r).stream()).toList());
        if (stores.isEmpty()) {
            return;
        }
        Map<String, List<Results>> byDb = runs.stream().collect(Collectors.groupingBy(Results::db, LinkedHashMap::new,
                Collectors.toList()));
        byDb.forEach((db, same) -> headline(db, same, stores));
    }

    private void headline(String db, List<Results> same, List<String> stores) {
        if (same.stream().allMatch(r -> r.scores().isEmpty())) {
            return; // a run of the concurrency benchmarks only (--bench requests): no per-call table to show
        }
        md.append("## At a glance: × jdbc on ").append(db).append(same.size() > 1 ? ", runs side by side" : "")
                .append("\n\n| operation |");
        for (Results run : same) {
            String suffix = same.size() > 1 ? " (" + run.label() + ")" : "";
            md.append(" jdbc µs/op").append(suffix).append(" |");
            stores.forEach(s -> md.append(' ').append(s).append(" |"));
        }
        md.append("\n|---|").append(("---:|" + "---:|".repeat(stores.size())).repeat(same.size())).append('\n');
        for (Family family : Operations.FAMILIES) {
            for (String op : family.operations()) {
                if (same.stream().allMatch(r -> r.scores().stream().noneMatch(s -> s.operation().equals(op)))) {
                    continue;
                }
                md.append("| ").append(op).append(" |");
                for (Results run : same) {
                    md.append(' ').append(run.find(op, "jdbc").map(s -> micros(s.micros())).orElse("–")).append(" |");
                    for (String store : stores) {
                        md.append(' ').append(ratioCell(run, op, store)).append(" |");
                    }
                }
                md.append('\n');
            }
        }
        md.append('\n');
    }

    /** One family's table per database (the runs of a database side by side), then its charts. */
    private void familyTable(Family family) {
        boolean any = runs.stream().anyMatch(r -> family.operations().stream().anyMatch(
                op -> r.scores().stream().anyMatch(s -> s.operation().equals(op))));
        if (!any) {
            return;
        }
        md.append("## ").append(family.title()).append("\n\n").append(family.note()).append("\n\n");
        Map<String, List<Results>> byDb = runs.stream().collect(Collectors.groupingBy(Results::db, LinkedHashMap::new,
                Collectors.toList()));
        byDb.forEach((db, same) -> {
            if (byDb.size() > 1) {
                md.append("### On ").append(db).append("\n\n");
            }
            familyTable(family, same);
        });
        for (Results run : runs) {
            md.append("![").append(family.title()).append(" on ").append(run.label()).append("](")
                    .append(chartName(family.id(), run)).append(")\n\n");
        }
    }

    private void familyTable(Family family, List<Results> same) {
        Set<String> stores = allStores();
        md.append("| operation | style |");
        for (Results run : same) {
            String suffix = same.size() > 1 ? " (" + run.label() + ")" : "";
            md.append(" µs/op").append(suffix).append(" | × jdbc").append(suffix).append(" | +µs").append(suffix).append(" |");
        }
        md.append(" stmts | commits | B/op").append(same.size() > 1 ? " (" + same.get(0).label() + ")" : "").append(" |\n|---|---|");
        md.append("---:|---:|---:|".repeat(same.size())).append("---:|---:|---:|\n");
        for (String op : family.operations()) {
            if (same.stream().noneMatch(r -> measured(r, op))) {
                continue; // filtered out by --bench in every run: the intro says which operations ran
            }
            for (String store : stores) {
                if (same.stream().allMatch(r -> r.find(op, store).isEmpty() && !r.stores().contains(store))) {
                    continue;
                }
                md.append("| ").append(op).append(" | ").append(store).append(" |");
                for (Results run : same) {
                    Optional<Score> score = run.find(op, store);
                    Optional<Score> jdbc = run.find(op, "jdbc");
                    md.append(' ').append(score.map(s -> micros(s.micros()) + " ± " + micros(s.errorMicros())
                                    + (noisy(s) ? " ⚠" : "")).orElse(notTimed(run, op, store)))
                            .append(" | ").append(ratioCell(run, op, store))
                            .append(" | ").append(score.flatMap(s -> jdbc.map(j -> added(s.micros() - j.micros()))).orElse("–"))
                            .append(" |");
                }
                md.append(' ').append(counts(same, Results::statements, op, store)).append(" | ")
                        .append(counts(same, Results::commits, op, store)).append(" | ")
                        .append(same.get(0).find(op, store).flatMap(Score::bytesPerOp).map(Report::bytes).orElse("–"))
                        .append(" |\n");
            }
        }
        md.append('\n');
    }

    private void startup() {
        if (runs.stream().noneMatch(r -> r.scores().stream().anyMatch(s -> s.operation().equals(STARTUP)))) {
            return;
        }
        md.append("## Start-up: from nothing to the first findById\n\n")
                .append("A fresh JVM per measurement, no warm-up, on an already migrated database with the pool ")
                .append("open: building the style's factory or context, its mapping metadata, and the first query ")
                .append("through cold code. **classes** is how many classes the JVM loaded meanwhile (mean over the forks).\n\n")
                .append("| style |");
        for (Results run : runs) {
            String suffix = runs.size() > 1 ? " (" + run.label() + ")" : "";
            md.append(" ms").append(suffix).append(" | classes").append(suffix).append(" |");
        }
        md.append("\n|---|").append("---:|---:|".repeat(runs.size())).append('\n');
        for (String store : allStores()) {
            md.append("| ").append(store).append(" |");
            for (Results run : runs) {
                Optional<Score> s = run.find(STARTUP, store);
                List<Long> classes = run.startupClasses().getOrDefault(store, List.of());
                md.append(' ').append(s.map(x -> millis(x.micros()) + " ± " + millis(x.errorMicros())).orElse(notTimed(run, STARTUP, store)))
                        .append(" | ").append(classes.isEmpty() ? "–"
                                : String.format(Locale.ROOT, "%,d", Math.round(classes.stream().mapToLong(Long::longValue).average().orElse(0))))
                        .append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        for (Results run : runs) {
            md.append("![Start-up on ").append(run.label()).append("](").append(chartName("startup", run)).append(")\n\n");
        }
    }

    /** A link to each run's start-up sweep ({@link GrowthSweep}), where one ran: its own report, with its charts and sources. */
    private void growth() {
        List<Results> swept = runs.stream().filter(r -> Files.isRegularFile(r.dir().resolve(GrowthSweep.FOLDER).resolve("growth.md"))).toList();
        if (swept.isEmpty()) {
            return;
        }
        md.append("## Start-up as the model grows\n\n")
                .append("Each style started on generated models of N tables (H2), from a fresh JVM to the first query, with ")
                .append("the mitigations each library documents, the phase split at the largest N, and the published reports ")
                .append("it is compared with:\n\n");
        for (Results run : swept) {
            Path page = run.dir().resolve(GrowthSweep.FOLDER).resolve("growth.md");
            String link = out.toAbsolutePath().relativize(page.toAbsolutePath()).toString().replace('\\', '/');
            md.append("- [").append(runs.size() > 1 ? run.label() + ": " : "").append(link).append("](").append(link).append(")\n");
        }
        md.append('\n');
    }

    private void charts() {
        md.append("## Charts\n\n");
        for (Results run : runs) {
            List<String> written = Charts.write(run, out);
            for (String file : written) {
                md.append("- [").append(file).append("](").append(file).append(")\n");
            }
            if (!others(run).isEmpty()) {
                md.append("\n![Ratio to jdbc on ").append(run.label()).append("](").append(chartName("ratio", run)).append(")\n\n");
            }
        }
        md.append('\n');
    }

    /** The evidence that warm-up was long enough: the last warm-up iteration against the measured ones. */
    private void warmupCheck() {
        for (Results run : runs) {
            List<Results.Warmup> warmups = run.warmups();
            if (warmups.isEmpty()) {
                continue;
            }
            List<Results.Warmup> off = warmups.stream().filter(w -> Math.abs(w.ratio() - 1) > WARMUP_TOLERANCE).toList();
            md.append("## Warm-up check").append(runs.size() > 1 ? " (" + run.label() + ")" : "").append("\n\n")
                    .append(String.format(Locale.ROOT, "Steady state means the last warm-up iteration already runs at the "
                            + "measured speed. %d of %d benchmarks had their last warm-up iteration within %.0f %% of the "
                            + "measured mean", warmups.size() - off.size(), warmups.size(), WARMUP_TOLERANCE * 100));
            if (off.isEmpty()) {
                md.append(".\n\n");
                continue;
            }
            md.append("; these did not (a ratio above 1 means still warming up, so the measurement may be pessimistic):\n\n")
                    .append("| operation | style | last warm-up µs | measured µs | last warm-up / measured |\n|---|---|---:|---:|---:|\n");
            for (Results.Warmup w : off) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f |%n", w.operation(), w.store(),
                        micros(w.lastWarmup()), micros(w.measured()), w.ratio()));
            }
            md.append('\n');
        }
    }

    /** How far two runs' ratios may differ and still agree, for operations whose jdbc time is at least {@link #AGREEMENT_FLOOR_MICROS}. */
    static final double AGREEMENT = 0.10;
    static final double AGREEMENT_FLOOR_MICROS = 20;

    /**
     * With two runs of the same database (say two consecutive {@code ./compare} runs combined), how
     * well their ratios agree: the evidence that quick mode's figures repeat on this machine.
     */
    private void agreement() {
        Map<String, List<Results>> byDb = runs.stream().collect(Collectors.groupingBy(Results::db, LinkedHashMap::new,
                Collectors.toList()));
        for (List<Results> same : byDb.values()) {
            if (same.size() < 2) {
                continue;
            }
            Results a = same.get(0);
            Results b = same.get(1);
            List<String> rows = new ArrayList<>();
            int compared = 0;
            int within = 0;
            for (Family family : Operations.FAMILIES) {
                for (String op : family.operations()) {
                    for (String store : others(a)) {
                        double ra = ratio(a, op, store);
                        double rb = ratio(b, op, store);
                        if (Double.isNaN(ra) || Double.isNaN(rb)) {
                            continue;
                        }
                        double jdbc = Math.min(a.find(op, "jdbc").orElseThrow().micros(), b.find(op, "jdbc").orElseThrow().micros());
                        double difference = rb / ra - 1;
                        boolean counted = jdbc >= AGREEMENT_FLOOR_MICROS;
                        boolean agrees = Math.abs(difference) <= AGREEMENT;
                        if (counted) {
                            compared++;
                            within += agrees ? 1 : 0;
                        }
                        rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %.2f | %+.0f %% | %s |", op, store,
                                micros(jdbc), ra, rb, difference * 100,
                                !counted ? "(jdbc under 20 µs)" : agrees ? "yes" : "**no**"));
                    }
                }
            }
            md.append("## Run-to-run agreement on ").append(a.db()).append("\n\n")
                    .append(String.format(Locale.ROOT, "Two runs of the same comparison (%s and %s). Of the %d ratios whose "
                            + "jdbc time is at least %.0f µs, %d agree within %.0f %%.%n%n", a.label(), b.label(), compared,
                            AGREEMENT_FLOOR_MICROS, within, AGREEMENT * 100))
                    .append("| operation | style | jdbc µs (lower run) | × jdbc, ").append(a.label()).append(" | × jdbc, ")
                    .append(b.label()).append(" | difference | within 10 %? |\n|---|---|---:|---:|---:|---:|---|\n")
                    .append(String.join("\n", rows)).append("\n\n");
        }
    }

    /**
     * Every style faster than the JDBC reference beyond noise. The reference is meant to be the
     * fastest plain-JDBC answer; a style below it means the reference's SQL (or the style's
     * answer) needs a look before the ratio is quoted.
     */
    private void belowFloor() {
        List<String> lines = new ArrayList<>();
        for (Results run : runs) {
            for (Family family : Operations.FAMILIES) {
                for (String op : family.operations()) {
                    for (String store : others(run)) {
                        ratioInterval(run, op, store).filter(RatioInterval::belowFloor).ifPresent(r -> lines.add(String.format(
                                Locale.ROOT, "- %s / %s on %s: %.2f × jdbc (interval %.2f–%.2f)", op, store, run.label(),
                                r.ratio(), r.low(), r.high())));
                    }
                }
            }
        }
        md.append("## Faster than the floor\n\n");
        if (lines.isEmpty()) {
            md.append("No style was faster than the JDBC reference beyond noise on any operation.\n\n");
            return;
        }
        md.append("The JDBC reference should be the fastest plain-JDBC answer. These results are below it by more ")
                .append("than their intervals allow, so the reference's SQL for them (or what the style does differently) ")
                .append("needs a look before the ratio is quoted:\n\n").append(String.join("\n", lines)).append("\n\n");
    }

    private void missing() {
        List<String> lines = new ArrayList<>();
        for (Results run : runs) {
            Set<String> operations = run.scores().stream().filter(s -> !s.operation().equals(STARTUP))
                    .map(Score::operation).collect(Collectors.toCollection(LinkedHashSet::new));
            for (String op : operations) {
                for (String store : run.stores()) {
                    if (run.find(op, store).isEmpty()) {
                        lines.add("- " + op + " / " + store + " on " + run.label()
                                + ": failed ✗, no result (see `jmh.log` for the fairness check or the error)");
                    }
                }
            }
        }
        if (!lines.isEmpty()) {
            md.append("## Not timed: failed trials\n\nA trial that failed (✗) has no result; an operation filtered out by ")
                    .append("`--bench` is simply not in the tables.\n\n").append(String.join("\n", lines)).append("\n\n");
        }
    }

    private void environment() {
        md.append("## Environment and settings\n\n");
        for (Results run : runs) {
            if (runs.size() > 1) {
                md.append("### ").append(run.label()).append(" (").append(run.dir().getFileName()).append(")\n\n");
            }
            md.append("| | |\n|---|---|\n");
            run.environment().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
            md.append("\nJMH settings per benchmark class:\n\n| class | settings |\n|---|---|\n");
            Map<String, String> settings = new LinkedHashMap<>();
            run.scores().forEach(s -> settings.putIfAbsent(s.className(), s.settings()));
            settings.forEach((c, s) -> md.append("| ").append(c).append(" | ").append(s).append(" |\n"));
            md.append('\n');
        }
        md.append("Raw data: `results.json` (JMH), `claims.json` (JMH, claim and upsert throughput), `requests.json` (JMH sample mode, requests) with `requests-census.json`, `statements.json` (the census), `startup-classes.jsonl`, ")
                .append("`environment.json`, `jmh.log` (the console output) in each run's folder.\n");
    }

    /** Every style of every run, in {@link Styles#inOrder} order (jdbc first). */
    private Set<String> allStores() {
        Set<String> stores = new LinkedHashSet<>();
        runs.forEach(r -> stores.addAll(r.stores()));
        runs.forEach(r -> r.scores().forEach(s -> stores.add(s.store())));
        return new LinkedHashSet<>(Styles.inOrder(stores));
    }

    private static List<String> others(Results run) {
        return run.stores().stream().filter(s -> !s.equals("jdbc")).toList();
    }

    /** The census's count for one operation and store, per run ("1 / 2" when the databases differ). */
    private static String counts(List<Results> same, java.util.function.Function<Results, Map<String, Map<String, Integer>>> census,
                                 String op, String store) {
        Set<String> counts = new LinkedHashSet<>();
        for (Results run : same) {
            Integer n = census.apply(run).getOrDefault(store, Map.of()).get(op);
            counts.add(n == null ? "–" : String.valueOf(n));
        }
        return String.join(" / ", counts);
    }

    /** A result whose 99.9 % half-width is more than this share of its mean is marked noisy. */
    static final double NOISY = 0.20;

    /** True when the result's interval is wider than {@link #NOISY} of its mean, or unknown. */
    static boolean noisy(Score s) {
        return !(s.errorMicros() <= NOISY * s.micros());
    }

    /**
     * The interval of a ratio from the intervals of its two results: the lowest over the highest
     * and the highest over the lowest. Its upper end is infinite when jdbc's interval reaches 0.
     */
    record RatioInterval(double ratio, double low, double high) {
        static RatioInterval of(Score style, Score jdbc) {
            double se = Double.isNaN(style.errorMicros()) ? style.micros() : style.errorMicros();
            double je = Double.isNaN(jdbc.errorMicros()) ? jdbc.micros() : jdbc.errorMicros();
            double low = Math.max(0, style.micros() - se) / (jdbc.micros() + je);
            double high = jdbc.micros() - je <= 0 ? Double.POSITIVE_INFINITY : (style.micros() + se) / (jdbc.micros() - je);
            return new RatioInterval(style.micros() / jdbc.micros(), low, high);
        }

        /** Within noise of jdbc: the interval includes 1.00. */
        boolean aboutOne() {
            return low <= 1 && 1 <= high;
        }

        /** Faster than the floor beyond noise: even the interval's upper end is below 1.00. */
        boolean belowFloor() {
            return high < 1;
        }
    }

    static Optional<RatioInterval> ratioInterval(Results run, String op, String store) {
        Optional<Score> s = run.find(op, store);
        Optional<Score> jdbc = run.find(op, "jdbc");
        if (s.isEmpty() || jdbc.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RatioInterval.of(s.get(), jdbc.get()));
    }

    /** The ratio as a number, for charts; NaN when either result is missing. */
    static double ratio(Results run, String op, String store) {
        return ratioInterval(run, op, store).map(RatioInterval::ratio).orElse(Double.NaN);
    }

    /**
     * A ratio for a table: "1.02 (≈ jdbc)" when its interval includes 1.00, ⚠ when either result is
     * noisy.
     */
    static String ratioCell(Results run, String op, String store) {
        if (store.equals("jdbc")) {
            return run.find(op, store).isPresent() ? "1.00" : "–";
        }
        return ratioInterval(run, op, store).map(r -> {
            String number = String.format(Locale.ROOT, "%.2f", r.ratio());
            String text = r.aboutOne() ? number + " (≈ jdbc)" : number;
            boolean noisy = noisy(run.find(op, store).orElseThrow()) || noisy(run.find(op, "jdbc").orElseThrow());
            return text + (noisy ? " ⚠" : "");
        }).orElse("–");
    }

    /** Whether any style of the run has a result for the operation (false: --bench filtered it out). */
    static boolean measured(Results run, String op) {
        return run.scores().stream().anyMatch(s -> s.operation().equals(op));
    }

    /** Why a result is missing: filtered out, not asked for, or a failed trial (the fairness check or an error). */
    static String notTimed(Results run, String op, String store) {
        if (!measured(run, op)) {
            return "not run (filtered by --bench)";
        }
        if (!run.stores().contains(store)) {
            return "not run (not in --store)";
        }
        return "failed ✗ (fairness check or error: jmh.log)";
    }

    static String chartName(String id, Results run) {
        return "chart-" + id + "-" + run.label() + ".png";
    }

    static String micros(double us) {
        if (Double.isNaN(us)) {
            return "?";
        }
        double a = Math.abs(us);
        String pattern = a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%,.0f";
        return String.format(Locale.ROOT, pattern, us);
    }

    private static String added(double us) {
        return (us >= 0 ? "+" : "") + micros(us);
    }

    private static String millis(double us) {
        return Double.isNaN(us) ? "?" : String.format(Locale.ROOT, "%,.0f", us / 1000);
    }

    private static String bytes(double b) {
        return String.format(Locale.ROOT, "%,.0f", b);
    }
}
