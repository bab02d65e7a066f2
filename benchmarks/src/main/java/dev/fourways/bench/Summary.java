package dev.fourways.bench;

import dev.fourways.bench.Results.Score;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The report's opening: what each style costs over plain JDBC, per run (database), computed from
 * the results, so that every figure in it is one the tables below also show. Per style:
 *
 * <ul>
 *   <li>the typical cost: the <b>median</b> over the operations measured of its ratio to jdbc
 *       (× jdbc) and of the microseconds it adds per call (+µs), with the middle half of the
 *       ratios (25th to 75th percentile) as the spread;</li>
 *   <li>how many operations are within noise of jdbc (the tables' ≈ mark: the ratio's interval
 *       from both 99.9 % intervals includes 1.00) and how many results are noisy (⚠);</li>
 *   <li>where it is slowest: its {@value #WORST} highest ratios that are beyond noise, each with
 *       the reason the statement census gives when it differs from jdbc's (statements and commits
 *       per call, from {@code statements.json}), or else the allocation per call (B/op), the
 *       library's own work;</li>
 *   <li>its start-up against jdbc's, when measured.</li>
 * </ul>
 */
final class Summary {

    static final int WORST = 3;

    private Summary() {
    }

    /** One style's figures on one run. */
    record StyleCost(String store, String run, int operations, double medianRatio, double lowQuartile, double highQuartile,
                     double medianAdded, List<String> aboutJdbc, int noisy, List<Slow> slowest) {
    }

    /** One of a style's slowest operations, with what the census and the allocation say about it. */
    record Slow(String operation, double ratio, double added, String why) {
    }

    /** The Markdown of the summary section for every run, or nothing when no run has a style besides jdbc. */
    static String markdown(List<Results> runs) {
        List<StyleCost> costs = new ArrayList<>();
        for (Results run : runs) {
            for (String store : run.stores()) {
                if (!store.equals("jdbc")) {
                    cost(run, store).ifPresent(costs::add);
                }
            }
        }
        if (costs.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Summary\n\n");
        md.append("What each style adds to plain JDBC, computed from the tables below: for each style and database, the ")
                .append("**median** over the operations measured of its ratio to jdbc (× jdbc) and of the time it adds per ")
                .append("call (+µs); **middle half** is the spread of those ratios from the 25th to the 75th percentile; ")
                .append("**≈ jdbc** counts the operations whose difference from jdbc is within noise. Start-up is not among ")
                .append("the operations.\n\n");
        md.append("| style | database | typical × jdbc | middle half | typical +µs per call | ≈ jdbc (within noise) | slowest |\n")
                .append("|---|---|---:|---:|---:|---:|---|\n");
        for (StyleCost c : costs) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f–%.2f | %s | %d of %d | %s |%n", c.store(), c.run(),
                    c.medianRatio(), c.lowQuartile(), c.highQuartile(), added(c.medianAdded()), c.aboutJdbc().size(),
                    c.operations(), c.slowest().isEmpty() ? "–" : c.slowest().stream()
                            .map(s -> String.format(Locale.ROOT, "%s %.1f×", s.operation(), s.ratio()))
                            .collect(Collectors.joining(", "))));
        }
        md.append('\n');
        Map<String, List<StyleCost>> byRun = costs.stream().collect(Collectors.groupingBy(StyleCost::run,
                java.util.LinkedHashMap::new, Collectors.toList()));
        byRun.forEach((run, list) -> md.append(ranking(run, list)));
        md.append('\n');
        for (StyleCost c : costs) {
            md.append(sentences(c, runs.stream().filter(r -> r.label().equals(c.run())).findFirst().orElseThrow()));
        }
        md.append('\n');
        return md.toString();
    }

    private static String ranking(String run, List<StyleCost> list) {
        if (list.size() < 2) {
            return "";
        }
        List<StyleCost> sorted = list.stream().sorted(Comparator.comparingDouble(StyleCost::medianRatio)).toList();
        StyleCost cheapest = sorted.get(0);
        StyleCost dearest = sorted.get(sorted.size() - 1);
        return String.format(Locale.ROOT, "On **%s**, the cheapest style over jdbc is typically **%s** (%.2f × jdbc, %s µs "
                        + "per call) and the dearest **%s** (%.2f ×, %s µs).%n", run, cheapest.store(), cheapest.medianRatio(),
                added(cheapest.medianAdded()), dearest.store(), dearest.medianRatio(), added(dearest.medianAdded()));
    }

    private static String sentences(StyleCost c, Results run) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "- **%s on %s**: typically %.2f × jdbc, %s µs per call (median of %d operations; middle half %.2f–%.2f ×).",
                c.store(), c.run(), c.medianRatio(), added(c.medianAdded()), c.operations(), c.lowQuartile(), c.highQuartile()));
        if (c.aboutJdbc().size() * 2 >= c.operations()) {
            s.append(String.format(Locale.ROOT, " On most operations (%d of %d) its difference from jdbc is within noise.",
                    c.aboutJdbc().size(), c.operations()));
        } else if (!c.aboutJdbc().isEmpty()) {
            s.append(" Within noise of jdbc: ").append(String.join(", ", c.aboutJdbc())).append('.');
        }
        if (!c.slowest().isEmpty()) {
            s.append(" Slowest: ").append(c.slowest().stream().map(w -> String.format(Locale.ROOT, "%s %.2f × (%s µs)%s",
                    w.operation(), w.ratio(), added(w.added()), w.why().isEmpty() ? "" : ": " + w.why()))
                    .collect(Collectors.joining("; "))).append('.');
        }
        if (c.noisy() > 0) {
            s.append(String.format(Locale.ROOT, " %d of its ratios are marked ⚠ (noisy): rerun before quoting them.", c.noisy()));
        }
        startup(run, c.store()).ifPresent(s::append);
        return s.append('\n').toString();
    }

    private static Optional<String> startup(Results run, String store) {
        Optional<Score> style = run.find(Report.STARTUP, store);
        Optional<Score> jdbc = run.find(Report.STARTUP, "jdbc");
        if (style.isEmpty() || jdbc.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, " Start-up: %,.0f ms against jdbc's %,.0f ms.", style.get().micros() / 1000,
                jdbc.get().micros() / 1000));
    }

    /** The figures of one style on one run; empty when no operation has both its result and jdbc's. */
    static Optional<StyleCost> cost(Results run, String store) {
        List<Double> ratios = new ArrayList<>();
        List<Double> added = new ArrayList<>();
        List<String> about = new ArrayList<>();
        List<Slow> beyondNoise = new ArrayList<>();
        int noisy = 0;
        for (Operations.Operation op : Operations.ALL) {
            Optional<Report.RatioInterval> interval = Report.ratioInterval(run, op.name(), store);
            if (interval.isEmpty()) {
                continue;
            }
            Score s = run.find(op.name(), store).orElseThrow();
            Score j = run.find(op.name(), "jdbc").orElseThrow();
            ratios.add(interval.get().ratio());
            added.add(s.micros() - j.micros());
            noisy += Report.noisy(s) || Report.noisy(j) ? 1 : 0;
            if (interval.get().aboutOne()) {
                about.add(op.name());
            } else if (interval.get().ratio() > 1) {
                beyondNoise.add(new Slow(op.name(), interval.get().ratio(), s.micros() - j.micros(), why(run, op.name(), store)));
            }
        }
        if (ratios.isEmpty()) {
            return Optional.empty();
        }
        List<Slow> slowest = beyondNoise.stream().sorted(Comparator.comparingDouble(Slow::ratio).reversed()).limit(WORST).toList();
        return Optional.of(new StyleCost(store, run.label(), ratios.size(), percentile(ratios, 0.5), percentile(ratios, 0.25),
                percentile(ratios, 0.75), percentile(added, 0.5), about, noisy, slowest));
    }

    /**
     * Why one operation costs more, as far as the data says: more statements or commits than jdbc
     * (each a round trip), or, with the same round trips, more bytes allocated per call.
     */
    static String why(Results run, String op, String store) {
        List<String> reasons = new ArrayList<>();
        Integer statements = count(run.statements(), store, op);
        Integer jdbcStatements = count(run.statements(), "jdbc", op);
        if (statements != null && jdbcStatements != null && !statements.equals(jdbcStatements)) {
            reasons.add(plural(statements, "statement") + " where jdbc sends " + jdbcStatements);
        }
        Integer commits = count(run.commits(), store, op);
        Integer jdbcCommits = count(run.commits(), "jdbc", op);
        if (commits != null && jdbcCommits != null && !commits.equals(jdbcCommits)) {
            reasons.add(plural(commits, "commit") + " where jdbc has " + jdbcCommits);
        }
        if (reasons.isEmpty() && statements != null && statements.equals(jdbcStatements)) {
            Optional<Double> bytes = run.find(op, store).flatMap(Score::bytesPerOp);
            Optional<Double> jdbcBytes = run.find(op, "jdbc").flatMap(Score::bytesPerOp);
            String same = "the same " + plural(statements, "statement") + " as jdbc";
            if (bytes.isPresent() && jdbcBytes.isPresent() && jdbcBytes.get() > 0 && bytes.get() / jdbcBytes.get() >= 1.5) {
                reasons.add(String.format(Locale.ROOT, "%s, but %.1f × its bytes allocated per call (%,.0f B against %,.0f B): "
                        + "the library's own work", same, bytes.get() / jdbcBytes.get(), bytes.get(), jdbcBytes.get()));
            } else {
                reasons.add(same + ", so the difference is the library's own work per call");
            }
        }
        return String.join(", ", reasons);
    }

    private static Integer count(Map<String, Map<String, Integer>> census, String store, String op) {
        return census.getOrDefault(store, Map.of()).get(op);
    }

    private static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** The {@code p} quantile (0–1) by linear interpolation between the closest ranks. */
    static double percentile(List<Double> values, double p) {
        List<Double> sorted = values.stream().sorted().toList();
        double rank = p * (sorted.size() - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
    }

    private static String added(double us) {
        return (us >= 0 ? "+" : "") + Report.micros(us);
    }
}
