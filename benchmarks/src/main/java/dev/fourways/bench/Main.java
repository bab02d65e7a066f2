package dev.fourways.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The shaded jar's Main-Class: JMH's own command line ({@code org.openjdk.jmh.Main}), with every
 * style found as the default of {@code -p store}. The benchmarks' {@code @Param("store")} default
 * is {@value Styles#EVERY_STYLE} (JMH needs a literal value there); this launcher turns it into
 * the names {@link Styles#found()} finds through {@code ServiceLoader}, so
 * {@code java -jar benchmarks.jar} measures a style added later without anyone editing a list:
 *
 * <ul>
 *   <li>no {@code -p store=...} on the command line: {@code -p store=<every style found>} is added;</li>
 *   <li>{@code -p store=all} (or {@code all} among other names): replaced by every style found;</li>
 *   <li>any other {@code -p store=...}: passed on unchanged.</li>
 * </ul>
 *
 * Every other argument goes to JMH as given; JMH's forks start from JMH's own main class with the
 * values already chosen, so they never see {@value Styles#EVERY_STYLE}.
 */
public final class Main {

    private static final String STORE = "store=";

    private Main() {
    }

    /**
     * Runs JMH's command line with the default stores filled in.
     *
     * @param args JMH's options ({@code -h} lists them)
     * @throws Exception whatever {@code org.openjdk.jmh.Main} throws
     */
    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(withStores(args, Styles.found()));
    }

    /**
     * The arguments with {@code -p store} set to {@code found} when absent, and {@value Styles#EVERY_STYLE}
     * replaced by {@code found}. Recognises {@code -p store=...} and {@code -pstore=...}, as JMH does.
     */
    static String[] withStores(String[] args, List<String> found) {
        List<String> result = new ArrayList<>();
        boolean given = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-p") && i + 1 < args.length && args[i + 1].startsWith(STORE)) {
                result.add(arg);
                result.add(STORE + expand(args[++i].substring(STORE.length()), found));
                given = true;
            } else if (arg.startsWith("-p" + STORE)) {
                result.add("-p" + STORE + expand(arg.substring(2 + STORE.length()), found));
                given = true;
            } else {
                result.add(arg);
            }
        }
        if (!given) {
            result.add("-p");
            result.add(STORE + String.join(",", found));
        }
        return result.toArray(String[]::new);
    }

    private static String expand(String values, List<String> found) {
        List<String> names = new ArrayList<>();
        for (String value : values.split(",")) {
            if (value.trim().equals(Styles.EVERY_STYLE)) {
                found.stream().filter(s -> !names.contains(s)).forEach(names::add);
            } else if (!names.contains(value.trim())) {
                names.add(value.trim());
            }
        }
        return String.join(",", names);
    }
}
