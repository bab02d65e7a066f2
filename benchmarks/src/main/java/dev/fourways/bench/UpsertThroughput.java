package dev.fourways.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The report's section on {@link UpsertThroughputBenchmark}: per run, the upserts every style
 * made per second at each worker count, read from the run's {@value Results#CLAIMS}.
 *
 * @param store       the style
 * @param threads     JMH's worker threads
 * @param upserts     upserts (calls) per second over all threads, JMH's score (ops/s)
 * @param upsertsError its 99.9 % confidence half-width, NaN when JMH had too few samples
 */
record UpsertThroughput(String store, int threads, double upserts, double upsertsError) {

    /** Every upsert-throughput result of one run folder; empty when the run measured none. */
    @SuppressWarnings("unchecked")
    static List<UpsertThroughput> read(Path dir) {
        return ClaimThroughput.results(dir, RunSettings.UPSERTS_METHOD).stream().map(r -> {
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            return new UpsertThroughput((String) ((Map<String, Object>) r.get("params")).get("store"),
                    ((Number) r.get("threads")).intValue(), ClaimThroughput.number(primary.get("score")),
                    ClaimThroughput.number(primary.get("scoreError")));
        }).toList();
    }

    /** The section, or nothing when no run measured upserts. */
    static String markdown(List<Results> runs) {
        StringBuilder tables = new StringBuilder();
        for (Results run : runs) {
            List<UpsertThroughput> all = read(run.dir());
            if (!all.isEmpty()) {
                table(tables, run, all);
            }
        }
        if (tables.isEmpty()) {
            return "";
        }
        return """
                ## Upserts under contention: upsert at 1, 4 and 16 workers

                An idempotent consumer: every worker upserts one of %d usernames, picked at random, with an e-mail \
                never used before, so workers meet on the same rows and wait for one another's row locks; every call \
                after the first per username takes the update path (the row matched, written, its version bumped). \
                All workers share the one pool of %d connections, on a machine with %d cores. **upserts/s** is JMH's \
                score over all workers (throughput mode, ± its 99.9 %% interval); **× jdbc** is the plain-JDBC \
                reference's rate divided by the style's (above 1: slower); **× 1 worker** is the style's rate against \
                its own with one worker (how it scales under contention). A retry inside a store (H2, after a lost \
                race) is part of the call. Source: `UpsertThroughputBenchmark`.

                """.formatted(UpsertThroughputBenchmark.HOT_USERNAMES, dev.fourways.db.ConnectionPools.DEFAULT_SIZE,
                Runtime.getRuntime().availableProcessors()) + tables;
    }

    private static void table(StringBuilder md, Results run, List<UpsertThroughput> all) {
        List<Integer> threads = all.stream().map(UpsertThroughput::threads).distinct().sorted().toList();
        int first = threads.get(0);
        md.append("**").append(run.label()).append("**\n\n| style |");
        for (int t : threads) {
            md.append(" upserts/s, ").append(t).append(t == 1 ? " worker" : " workers").append(" | × jdbc |")
                    .append(t == first ? "" : " × 1 worker |");
        }
        md.append("\n|---|");
        for (int t : threads) {
            md.append("---:|---:|").append(t == first ? "" : "---:|");
        }
        md.append('\n');
        for (String store : Styles.inOrder(all.stream().map(UpsertThroughput::store).distinct().toList())) {
            md.append("| ").append(store).append(" |");
            for (int t : threads) {
                Optional<UpsertThroughput> u = find(all, store, t);
                Optional<UpsertThroughput> floor = find(all, "jdbc", t);
                Optional<UpsertThroughput> one = find(all, store, first);
                md.append(' ').append(u.map(x -> ClaimThroughput.format("%,.0f", x.upserts) + " ± "
                                + ClaimThroughput.format("%,.0f", x.upsertsError)).orElse("–"))
                        .append(" | ").append(u.flatMap(x -> floor.map(f -> ClaimThroughput.format("%.2f", f.upserts / x.upserts))).orElse("–"))
                        .append(" |");
                if (t != first) {
                    md.append(' ').append(u.flatMap(x -> one.map(o -> ClaimThroughput.format("%.2f", x.upserts / o.upserts))).orElse("–"))
                            .append(" |");
                }
            }
            md.append('\n');
        }
        md.append('\n');
    }

    private static Optional<UpsertThroughput> find(List<UpsertThroughput> all, String store, int threads) {
        return all.stream().filter(u -> u.store.equals(store) && u.threads == threads).findFirst();
    }
}
