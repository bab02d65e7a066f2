package dev.fourways.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report's section on {@link ClaimThroughputBenchmark}: per run, the purchases every style
 * claimed per second at each worker count, read from the run's {@value Results#CLAIMS}.
 *
 * @param store          the style
 * @param threads        JMH's worker threads
 * @param claims         claims (calls) per second over all threads, JMH's score (ops/s)
 * @param claimsError    its 99.9 % confidence half-width, NaN when JMH had too few samples
 * @param perClaim       purchases per claim, from the {@code AuxCounters} (0 to 10)
 * @param emptyShare     the share of claims that came back empty, from the {@code AuxCounters} (0 to 1)
 */
record ClaimThroughput(String store, int threads, double claims, double claimsError, double perClaim, double emptyShare) {

    /** Every claim-throughput result of one run folder; empty when the run measured none. */
    @SuppressWarnings("unchecked")
    static List<ClaimThroughput> read(Path dir) {
        List<ClaimThroughput> found = new ArrayList<>();
        for (Map<String, Object> r : results(dir, RunSettings.CLAIMS_METHOD)) {
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            Map<String, Object> secondary = (Map<String, Object>) r.getOrDefault("secondaryMetrics", Map.of());
            double calls = auxCount(secondary, "claims");
            found.add(new ClaimThroughput((String) ((Map<String, Object>) r.get("params")).get("store"),
                    ((Number) r.get("threads")).intValue(), number(primary.get("score")), number(primary.get("scoreError")),
                    auxCount(secondary, "purchases") / calls, auxCount(secondary, "emptyClaims") / calls));
        }
        return found;
    }

    /** Purchases claimed per second: JMH's claims per second times the purchases per claim. */
    double purchases() {
        return claims * perClaim;
    }

    /** The 99.9 % half-width of {@link #purchases()}: the score's, scaled alike. */
    double purchasesError() {
        return claimsError * perClaim;
    }

    /** The section, or nothing when no run measured claims. */
    static String markdown(List<Results> runs) {
        StringBuilder tables = new StringBuilder();
        for (Results run : runs) {
            List<ClaimThroughput> all = read(run.dir());
            if (!all.isEmpty()) {
                table(tables, run, all);
            }
        }
        if (tables.isEmpty()) {
            return "";
        }
        return """
                ## Claims under concurrency: claimPaidPurchases at 1, 4 and 16 workers

                A fulfilment queue: each worker claims the 10 oldest PAID purchases with `FOR UPDATE SKIP LOCKED` \
                and marks them SHIPPED, in one transaction; all workers at once, over the one pool of %d \
                connections (16 workers also queue for connections), on a machine with %d cores. \
                **purchases/s** is the work done, over all workers: JMH's claims per second (throughput mode, ± \
                its 99.9 %% interval) times the purchases per claim; \
                **× jdbc** is the plain-JDBC reference's rate divided by the style's (above 1: slower), as in \
                the tables above; **× 1 worker** is the style's rate against its own with one worker (how it \
                scales); **empty** is the share of claims that came back with nothing: a worker that found \
                every candidate locked by another (on H2, which applies the `LIMIT` before it skips locked \
                rows, workers collide on the same oldest rows). The queue itself never runs dry: every \
                purchase is PAID again before each 500 ms iteration (100,000 for 10,000 users). Source: \
                `ClaimThroughputBenchmark`.

                """.formatted(dev.fourways.db.ConnectionPools.DEFAULT_SIZE, Runtime.getRuntime().availableProcessors())
                + tables;
    }

    private static void table(StringBuilder md, Results run, List<ClaimThroughput> all) {
        List<Integer> threads = all.stream().map(ClaimThroughput::threads).distinct().sorted().toList();
        int first = threads.get(0);
        md.append("**").append(run.label()).append("**\n\n| style |");
        for (int t : threads) {
            String workers = t + (t == 1 ? " worker" : " workers");
            md.append(" purchases/s, ").append(workers).append(" | × jdbc |")
                    .append(t == first ? "" : " × 1 worker |").append(" empty |");
        }
        md.append("\n|---|");
        for (int t : threads) {
            md.append("---:|---:|").append(t == first ? "" : "---:|").append("---:|");
        }
        md.append('\n');
        for (String store : Styles.inOrder(all.stream().map(ClaimThroughput::store).distinct().toList())) {
            md.append("| ").append(store).append(" |");
            for (int t : threads) {
                Optional<ClaimThroughput> c = find(all, store, t);
                Optional<ClaimThroughput> floor = find(all, "jdbc", t);
                Optional<ClaimThroughput> one = find(all, store, first);
                md.append(' ').append(c.map(x -> format("%,.0f", x.purchases()) + " ± " + format("%,.0f", x.purchasesError())).orElse("–"))
                        .append(" | ").append(c.flatMap(x -> floor.map(f -> format("%.2f", f.purchases() / x.purchases()))).orElse("–"))
                        .append(" |");
                if (t != first) {
                    md.append(' ').append(c.flatMap(x -> one.map(o -> format("%.2f", x.purchases() / o.purchases()))).orElse("–"))
                            .append(" |");
                }
                md.append(' ').append(c.map(x -> format("%.0f %%", 100 * x.emptyShare)).orElse("–")).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
    }

    /**
     * The JMH results in a run folder's {@value Results#CLAIMS} of one contention benchmark method
     * (the file holds the claims' and the upserts'); empty when there is no such file or result.
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> results(Path dir, String method) {
        Path file = dir.resolve(Results.CLAIMS);
        if (!Files.exists(file)) {
            return List.of();
        }
        return ((List<Object>) JsonFiles.parse(Results.text(file))).stream()
                .map(o -> (Map<String, Object>) o)
                .filter(r -> ((String) r.get("benchmark")).endsWith("." + method))
                .toList();
    }

    /** An {@code AuxCounters} rate (per second); only its proportion to another counter is used. */
    @SuppressWarnings("unchecked")
    private static double auxCount(Map<String, Object> secondary, String name) {
        Object metric = secondary.get(name);
        return metric == null ? Double.NaN : number(((Map<String, Object>) metric).get("score"));
    }

    private static Optional<ClaimThroughput> find(List<ClaimThroughput> all, String store, int threads) {
        return all.stream().filter(c -> c.store.equals(store) && c.threads == threads).findFirst();
    }

    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String format(String pattern, double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, pattern, value);
    }
}
