package dev.fourways.growth.styles;

import java.util.List;
import javax.sql.DataSource;

/**
 * One style's start-up over a generated model: from nothing of the style loaded to the first
 * query answered. Each implementation bootstraps its library as the style's module does.
 */
public interface StyleStart {

    /** jdbc, hibernate, mybatis, jdbi or jooq, as in the benchmarks. */
    String name();

    /** {@code default} first, then each mitigation this style can apply; see the README for links. */
    List<String> variants();

    /**
     * The variant with every mitigation of this style's library at once ({@code default} where there
     * is none): the sweep also measures it with an AppCDS archive, so the report shows the lowest
     * start-up each style reaches here.
     */
    default String best() {
        return "default";
    }

    /**
     * @param dataSource  a pool on the migrated model database
     * @param loader      the loader that sees the generated classes
     * @param basePackage the model's package, e.g. {@code dev.fourways.growth.gen.n100}
     * @param variant     one of {@link #variants()}
     * @param phases      timers; when {@link Phases#splitting()}, a split bootstrap may be used to time each step
     */
    Started start(DataSource dataSource, ClassLoader loader, String basePackage, String variant, Phases phases) throws Exception;

    /**
     * What the library built for the model, read after the clock stops: Hibernate's entity
     * persisters, MyBatis's mapped statements, jOOQ's tables in the generated schema; -1 where the
     * style builds nothing per table (Jdbi, JDBC).
     */
    default int mappedTypes(Started started, ClassLoader loader, String basePackage, String variant) {
        return -1;
    }

    /** Releases what {@link Started#handle()} holds (not the pool). */
    default void close(Started started) {
    }

    /** Instantiates a generated {@code GrowthModel}. */
    static <T> T model(ClassLoader loader, String className, Class<T> type) throws ReflectiveOperationException {
        return Class.forName(className, true, loader).asSubclass(type).getConstructor().newInstance();
    }

    /** @throws IllegalArgumentException naming the accepted variants */
    default void checkVariant(String variant) {
        if (!variants().contains(variant)) {
            throw new IllegalArgumentException(name() + ": variant must be one of " + variants() + ", was " + variant);
        }
    }
}
