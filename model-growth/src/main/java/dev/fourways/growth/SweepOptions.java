package dev.fourways.growth;

import dev.fourways.growth.styles.StyleStart;
import dev.fourways.growth.styles.StyleStarts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The launcher's command line.
 *
 * @param ns     model sizes (tables), ascending; {@code --n 10,100,500,1000}
 * @param out    report folder; {@code --out DIR} (default {@code model-growth/target/growth-report})
 * @param cache  generated models; {@code --cache DIR} (default {@code model-growth/target/growth-cache})
 * @param forks  fresh JVMs per point; {@code --forks 3}
 * @param styles {@code --styles jdbc,hibernate,...} (default all five)
 * @param phases whether to run the phase split at the largest n ({@code --no-phases} skips it)
 * @param cds    whether to measure the AppCDS archive at the largest n ({@code --no-cds} skips it)
 */
public record SweepOptions(List<Integer> ns, Path out, Path cache, int forks, List<String> styles, boolean phases, boolean cds) {

    static final String USAGE = """
            usage: java -jar model-growth/target/model-growth.jar [--n 10,100,500,1000] [--out DIR] [--forks 3]
                   [--styles jdbc,hibernate,mybatis,jdbi,jooq] [--cache DIR] [--no-phases] [--no-cds]
                   java -jar model-growth/target/model-growth.jar --render DIR   (growth.md and charts again from DIR/growth.json)""";

    public static SweepOptions parse(String... args) {
        List<Integer> ns = List.of(10, 100, 500, 1000);
        Path out = Path.of("model-growth", "target", "growth-report");
        Path cache = Path.of("model-growth", "target", "growth-cache");
        int forks = 3;
        List<String> styles = StyleStarts.all().stream().map(StyleStart::name).toList();
        boolean phases = true;
        boolean cds = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> ns = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::valueOf).sorted().distinct().toList();
                case "--out" -> out = Path.of(args[++i]);
                case "--cache" -> cache = Path.of(args[++i]);
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--styles" -> styles = Arrays.stream(args[++i].split(",")).map(String::trim).peek(StyleStarts::byName).toList();
                case "--no-phases" -> phases = false;
                case "--no-cds" -> cds = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
            }
        }
        if (forks < 1) {
            throw new IllegalArgumentException("--forks: at least 1");
        }
        return new SweepOptions(ns, out.toAbsolutePath(), cache.toAbsolutePath(), forks, styles, phases, cds);
    }

    /** The same options as arguments, to hand to the child JVM. */
    List<String> toArgs() {
        List<String> a = new ArrayList<>(List.of("--n", String.join(",", ns.stream().map(String::valueOf).toList()),
                "--out", out.toString(), "--cache", cache.toString(), "--forks", String.valueOf(forks),
                "--styles", String.join(",", styles)));
        if (!phases) {
            a.add("--no-phases");
        }
        if (!cds) {
            a.add("--no-cds");
        }
        return a;
    }

    int largestN() {
        return ns.get(ns.size() - 1);
    }
}
