package dev.fourways.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report's section on {@link RequestBenchmark}: per run and request, each style's requests per
 * second at each thread count and its latency percentiles, read from the run's
 * {@value Results#REQUESTS}, with the round trips {@link RequestCensus} counted.
 *
 * @param request  the benchmark method ({@code multipleQueries}, {@code updates}, {@code checkout})
 * @param store    the style
 * @param threads  JMH's threads: requests in flight at once
 * @param meanUs   the mean latency of a request, µs (JMH's sample-mode score)
 * @param p50Us    the median latency, µs
 * @param p99Us    the 99th percentile, µs
 * @param p999Us   the 99.9th percentile, µs
 * @param samples  how many requests JMH timed
 */
record RequestThroughput(String request, String store, int threads, double meanUs, double p50Us, double p99Us,
                         double p999Us, long samples) {

    /** The requests, in the report's order. */
    static final List<String> REQUESTS = List.of("multipleQueries", "updates", "checkout");

    /** Requests per second over all threads, by Little's law for a closed loop: threads ÷ mean latency. */
    double perSecond() {
        return threads * 1e6 / meanUs;
    }

    /** Every request result of one run folder; empty when the run measured none. */
    @SuppressWarnings("unchecked")
    static List<RequestThroughput> read(Path dir) {
        Path file = dir.resolve(Results.REQUESTS);
        List<RequestThroughput> found = new ArrayList<>();
        if (!Files.exists(file)) {
            return found;
        }
        for (Object o : (List<Object>) JsonFiles.parse(Results.text(file))) {
            Map<String, Object> r = (Map<String, Object>) o;
            Map<String, Object> primary = (Map<String, Object>) r.get("primaryMetric");
            Map<String, Object> percentiles = (Map<String, Object>) primary.getOrDefault("scorePercentiles", Map.of());
            String benchmark = (String) r.get("benchmark");
            long samples = 0;
            Object histogram = primary.get("rawDataHistogram");
            if (histogram instanceof List<?> forks) {
                samples = countSamples(forks);
            }
            found.add(new RequestThroughput(benchmark.substring(benchmark.lastIndexOf('.') + 1),
                    (String) ((Map<String, Object>) r.get("params")).get("store"), ((Number) r.get("threads")).intValue(),
                    number(primary.get("score")), number(percentiles.get("50.0")), number(percentiles.get("99.0")),
                    number(percentiles.get("99.9")), samples));
        }
        return found;
    }

    /** JMH's raw histogram: forks, then iterations, then [value, count] pairs. */
    private static long countSamples(List<?> forks) {
        long n = 0;
        for (Object fork : forks) {
            for (Object iteration : (List<?>) fork) {
                for (Object pair : (List<?>) iteration) {
                    n += ((Number) ((List<?>) pair).get(1)).longValue();
                }
            }
        }
        return n;
    }

    /** The section, or nothing when no run measured requests. */
    static String markdown(List<Results> runs) {
        StringBuilder tables = new StringBuilder();
        for (Results run : runs) {
            List<RequestThroughput> all = read(run.dir());
            for (String request : REQUESTS) {
                List<RequestThroughput> of = all.stream().filter(r -> r.request.equals(request)).toList();
                if (!of.isEmpty()) {
                    table(tables, run, request, of);
                }
            }
        }
        if (tables.isEmpty()) {
            return "";
        }
        return """
                ## Requests under concurrency: a unit of work per request

                Each call is one web request, run as one unit of work (`UserStore.inUnitOfWork`: one session, \
                `SqlSession`, `Handle`, `DSLContext` transaction or `Connection`, committed at the end), by many \
                threads at once over the one pool of %d connections (more threads than connections queue for one), \
                on a machine with %d cores. After TechEmpower's tests: **multipleQueries** reads 20 different \
                random users one by one; **updates** reads 20 users and changes each one's e-mail under its \
                optimistic lock; **checkout** reads a user, adds two purchases and changes the e-mail. Each \
                thread writes only its own share of the users, so no lock fails and no request waits for a row. \
                **req/s**: requests per second over all threads, from JMH's sample mode by Little's law (threads ÷ \
                mean latency); **× jdbc** is the plain-JDBC reference's rate divided by the style's (above 1: \
                slower), at each thread count; **p50 / p99 / p99.9** are the latencies of single requests at the \
                highest thread count, in ms. **stmts / commits** are the round trips of one request, counted \
                and checked before the run's figures are written (`RequestCensus`: 20 reads really sent, the \
                changed rows really in the database). Source: `RequestBenchmark`.

                """.formatted(dev.fourways.db.ConnectionPools.DEFAULT_SIZE, Runtime.getRuntime().availableProcessors())
                + tables;
    }

    private static void table(StringBuilder md, Results run, String request, List<RequestThroughput> all) {
        List<Integer> threads = all.stream().map(RequestThroughput::threads).distinct().sorted().toList();
        int most = threads.get(threads.size() - 1);
        Map<String, Integer> statements = run.requestStatements().getOrDefault(request, Map.of());
        Map<String, Integer> commits = run.requestCommits().getOrDefault(request, Map.of());
        md.append("**").append(run.label()).append(": ").append(request).append("**\n\n| style |");
        for (int t : threads) {
            md.append(" req/s, ").append(t).append(t == 1 ? " thread" : " threads").append(" | × jdbc |");
        }
        md.append(" p50 | p99 | p99.9 | stmts / commits |\n|---|");
        md.append("---:|---:|".repeat(threads.size())).append("---:|---:|---:|---:|\n");
        for (String store : Styles.inOrder(all.stream().map(RequestThroughput::store).distinct().toList())) {
            md.append("| ").append(store).append(" |");
            for (int t : threads) {
                Optional<RequestThroughput> r = find(all, store, t);
                Optional<RequestThroughput> floor = find(all, "jdbc", t);
                md.append(' ').append(r.map(x -> format("%,.0f", x.perSecond())).orElse("–")).append(" | ")
                        .append(r.flatMap(x -> floor.map(f -> format("%.2f", f.perSecond() / x.perSecond()))).orElse("–"))
                        .append(" |");
            }
            Optional<RequestThroughput> top = find(all, store, most);
            md.append(' ').append(top.map(x -> format("%.2f", x.p50Us / 1000)).orElse("–"))
                    .append(" | ").append(top.map(x -> format("%.2f", x.p99Us / 1000)).orElse("–"))
                    .append(" | ").append(top.map(x -> format("%.2f", x.p999Us / 1000)).orElse("–"))
                    .append(" | ").append(statements.containsKey(store) ? statements.get(store) + " / " + commits.get(store) : "–")
                    .append(" |\n");
        }
        md.append('\n').append("![").append(request).append(" on ").append(run.label()).append(": requests per second](")
                .append(Report.chartName("requests-" + request, run)).append(")\n\n![").append(request).append(" on ")
                .append(run.label()).append(": latency](").append(Report.chartName("latency-" + request, run)).append(")\n\n");
    }

    /**
     * The request charts of one run, keyed by the PNG file name the section links: per request,
     * requests per second at each thread count, and the latency percentiles at the highest.
     */
    static java.util.Map<String, ChartData.Spec> charts(Results run) {
        java.util.Map<String, ChartData.Spec> specs = new java.util.LinkedHashMap<>();
        List<RequestThroughput> all = read(run.dir());
        for (String request : REQUESTS) {
            List<RequestThroughput> of = all.stream().filter(r -> r.request.equals(request)).toList();
            if (!of.isEmpty()) {
                specs.put(Report.chartName("requests-" + request, run), throughputChart(run, request, of));
                specs.put(Report.chartName("latency-" + request, run), latencyChart(run, request, of));
            }
        }
        return specs;
    }

    private static ChartData.Spec throughputChart(Results run, String request, List<RequestThroughput> of) {
        List<Integer> threads = of.stream().map(RequestThroughput::threads).distinct().sorted().toList();
        List<String> categories = threads.stream().map(t -> t + (t == 1 ? " thread" : " threads")).toList();
        List<ChartData.Series> series = new ArrayList<>();
        for (String store : Styles.inOrder(of.stream().map(RequestThroughput::store).distinct().toList())) {
            List<ChartData.Point> points = new ArrayList<>();
            for (int t : threads) {
                Optional<RequestThroughput> r = find(of, store, t);
                Optional<RequestThroughput> floor = find(of, "jdbc", t);
                points.add(r.map(x -> new ChartData.Point(x.perSecond(), format("%,.0f", x.perSecond()),
                        format("%,.0f req/s", x.perSecond()) + floor.map(f -> format(", %.2f × jdbc", f.perSecond() / x.perSecond())).orElse("")
                                + format(", mean %.2f ms", x.meanUs / 1000) + ", " + x.samples + " requests timed"))
                        .orElse(new ChartData.Point(null, "not run", "not run")));
            }
            series.add(new ChartData.Series(store, Charts.hex(store), points));
        }
        return new ChartData.Spec(request + " on " + run.label() + ": requests per second by threads, higher is better",
                "requests/s over all threads", false, false, categories, series, 110 + categories.size() * Math.max(34, series.size() * 17),
                "one unit of work per request; the pool has " + dev.fourways.db.ConnectionPools.DEFAULT_SIZE
                        + " connections; the tooltip has × jdbc and the mean latency");
    }

    private static ChartData.Spec latencyChart(Results run, String request, List<RequestThroughput> of) {
        int most = of.stream().mapToInt(RequestThroughput::threads).max().orElseThrow();
        List<String> categories = List.of("p50", "p99", "p99.9");
        List<ChartData.Series> series = new ArrayList<>();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (String store : Styles.inOrder(of.stream().map(RequestThroughput::store).distinct().toList())) {
            Optional<RequestThroughput> r = find(of, store, most);
            List<ChartData.Point> points = new ArrayList<>();
            for (String p : categories) {
                Double ms = r.map(x -> (p.equals("p50") ? x.p50Us : p.equals("p99") ? x.p99Us : x.p999Us) / 1000).orElse(null);
                if (ms != null) {
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                }
                points.add(ms == null ? new ChartData.Point(null, "not run", "not run")
                        : new ChartData.Point(ms, format("%.2f ms", ms), p + format(" %.2f ms at ", ms) + most + " threads"));
            }
            series.add(new ChartData.Series(store, Charts.hex(store), points));
        }
        boolean log = max / min > ChartData.LOG_SPAN;
        return new ChartData.Spec(request + " on " + run.label() + ": latency of one request at " + most + " threads, lower is better",
                "ms" + (log ? ", log scale" : ""), log, false, categories, series,
                110 + categories.size() * Math.max(34, series.size() * 17), "JMH sample mode: the share of requests that took at most this long");
    }

    static Optional<RequestThroughput> find(List<RequestThroughput> all, String store, int threads) {
        return all.stream().filter(c -> c.store.equals(store) && c.threads == threads).findFirst();
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, pattern, value);
    }
}
