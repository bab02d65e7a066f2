package dev.fourways.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one comparison run measures, already checked by {@link CompareCommand}: every value here
 * is valid, so a run never fails on an option after it has started JVMs.
 *
 * @param mode   how much measuring
 * @param stores the styles, jdbc first ({@link Styles#inOrder})
 * @param db     {@code h2}, {@code postgresql} or {@code mariadb}
 * @param users  seeded users (each with {@value DataSet#PURCHASES_PER_USER} purchases)
 * @param bench  the {@code --bench} regex, empty for every benchmark; see {@link #selects(String)}
 * @param out    the report folder
 */
record RunSettings(Compare.Mode mode, List<String> stores, String db, int users, Optional<Pattern> bench, Path out) {

    /** The start-up benchmark's method, which {@code --bench} is matched against like the others. */
    static final String STARTUP_METHOD = Report.STARTUP;

    /**
     * The smoke test's run: every style found, every benchmark, on H2, with the fewest users the
     * request benchmarks run with ({@link RequestBenchmark#MIN_USERS}).
     */
    static RunSettings smoke(Path out) {
        return new RunSettings(Compare.Mode.SMOKE, Styles.found(), "h2", RequestBenchmark.MIN_USERS, Optional.empty(), out);
    }

    /**
     * Whether {@code --bench} selects a benchmark: the regex is <em>found</em> anywhere in the
     * method name (Java regex, case-sensitive), for the query benchmarks and the start-up
     * benchmark alike. {@code find} matches {@code findById}, {@code findByUsername} and
     * {@code findWithPurchases}; {@code ^count$} only {@code count}.
     */
    static boolean selects(Optional<Pattern> bench, String method) {
        return bench.map(p -> p.matcher(method).find()).orElse(true);
    }

    /** The query benchmarks selected, as {@code Class.method}, in the report's order. */
    List<String> queryBenchmarks() {
        return queryBenchmarks(bench);
    }

    /** Whether the start-up benchmark runs. */
    boolean startup() {
        return selects(bench, STARTUP_METHOD);
    }

    /** The claim-throughput benchmark's method, matched by {@code --bench} like the others ({@code claim} selects it). */
    static final String CLAIMS_METHOD = "claimThroughput";

    /** Whether the claim-throughput benchmark ({@link ClaimThroughputBenchmark}) runs. */
    boolean claims() {
        return selects(bench, CLAIMS_METHOD);
    }

    /** The upsert-throughput benchmark's method ({@code upsert} selects it, with the single-thread {@code upsert}). */
    static final String UPSERTS_METHOD = "upsertThroughput";

    /**
     * The contention benchmarks selected, as {@code Class.method}: {@link ClaimThroughputBenchmark}
     * and {@link UpsertThroughputBenchmark}, which run together at each worker count
     * ({@link ClaimThroughputBenchmark#THREADS}) and write one results file, {@value Results#CLAIMS}.
     */
    List<String> contention() {
        List<String> selected = new ArrayList<>();
        if (claims()) {
            selected.add(ClaimThroughputBenchmark.class.getSimpleName() + "." + CLAIMS_METHOD);
        }
        if (selects(bench, UPSERTS_METHOD)) {
            selected.add(UpsertThroughputBenchmark.class.getSimpleName() + "." + UPSERTS_METHOD);
        }
        return selected;
    }

    /** The JMH include of {@link #contention()}, an anchored regex; meaningless when it is empty. */
    String contentionInclude() {
        return "^dev\\.fourways\\.bench\\.(" + String.join("|", contention()).replace(".", "\\.") + ")$";
    }

    /** The name {@code --bench} matches to select every request of {@link RequestBenchmark} ({@code request} selects them). */
    static final String REQUESTS_NAME = "requests";

    /**
     * The requests of {@link RequestBenchmark} that run: all of them when {@code --bench} matches
     * {@value #REQUESTS_NAME} (or is absent), else those whose method name it matches.
     */
    List<String> requests() {
        if (selects(bench, REQUESTS_NAME)) {
            return RequestThroughput.REQUESTS;
        }
        return RequestThroughput.REQUESTS.stream().filter(r -> selects(bench, r)).toList();
    }

    /**
     * The query-cost benchmarks {@code bench} selects, as {@code Class.method}: the benchmark
     * classes in {@link Operations#BENCHMARK_CLASSES} order, each class's operations in
     * {@link Operations#ALL} order (JMH sorts methods by name; this order groups related
     * benchmarks, as the report does).
     */
    static List<String> queryBenchmarks(Optional<Pattern> bench) {
        List<String> found = new ArrayList<>();
        for (Class<? extends StoreBenchmark> c : Operations.BENCHMARK_CLASSES) {
            for (Operations.Operation op : Operations.ALL) {
                if (op.benchmark() == c && selects(bench, op.name())) {
                    found.add(op.benchmarkName());
                }
            }
        }
        return found;
    }

    /** Every benchmark method {@code --bench} can select, for the message when it selects none. */
    static List<String> benchmarkMethods() {
        List<String> names = new ArrayList<>(Operations.ALL.stream().map(Operations.Operation::name).toList());
        names.add(STARTUP_METHOD);
        names.add(CLAIMS_METHOD);
        names.add(UPSERTS_METHOD);
        names.add(REQUESTS_NAME);
        names.addAll(RequestThroughput.REQUESTS);
        return names;
    }
}
