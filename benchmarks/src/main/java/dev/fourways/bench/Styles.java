package dev.fourways.bench;

import dev.fourways.UserStoreProvider;
import dev.fourways.UserStoreProviders;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The styles, by their {@code UserStoreProvider} names, as {@link UserStoreProviders#all()} finds
 * them on the class path: {@code jdbc} first (the floor), then by name. Nothing in the benchmarks
 * lists the styles by hand: {@link Compare} measures these, {@link Main} gives plain JMH these
 * when no {@code -p store} is given, and the report and its charts put the styles in this order.
 */
final class Styles {

    /**
     * The {@code @Param("store")} value that means "every style found" ({@link StoreBenchmark#store},
     * {@link StartupBenchmark#store}); {@link Main} replaces it with the names. JMH needs a literal
     * default, and a literal list of names would silently leave out a style added later.
     */
    static final String EVERY_STYLE = "all";

    private Styles() {
    }

    /** Every style on the class path, jdbc first, then by name; never empty while {@code common} is present. */
    static List<String> found() {
        return Found.NAMES;
    }

    /**
     * The given styles in {@link #found()} order; names not found on this class path (a run folder
     * written by another build, read for {@code --combine}) follow, in their given order.
     */
    static List<String> inOrder(Collection<String> stores) {
        Set<String> given = new LinkedHashSet<>(stores);
        List<String> ordered = new ArrayList<>(found().stream().filter(given::contains).toList());
        given.stream().filter(s -> !ordered.contains(s)).forEach(ordered::add);
        return ordered;
    }

    /** Looked up once: ServiceLoader instantiates every provider on each call. */
    private static final class Found {
        static final List<String> NAMES = UserStoreProviders.all().stream().map(UserStoreProvider::name).toList();
    }
}
