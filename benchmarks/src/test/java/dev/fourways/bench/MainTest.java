package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStoreProvider;
import dev.fourways.UserStoreProviders;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/** The jar's launcher: plain {@code java -jar benchmarks.jar} measures every style ServiceLoader finds. */
class MainTest {

    private static List<String> discovered() {
        return UserStoreProviders.all().stream().map(UserStoreProvider::name).toList();
    }

    /** The stores JMH will run, as JMH itself parses the launcher's arguments. */
    private static List<String> stores(String... args) throws Exception {
        return List.copyOf(new CommandLineOptions(Main.withStores(args, Styles.found())).getParameter("store").get());
    }

    @Test
    void withoutStoreEveryStyleFoundThroughServiceLoaderIsMeasured() throws Exception {
        assertThat(discovered()).contains("jdbc", "hibernate", "mybatis", "jdbi", "jooq");

        assertThat(stores("LookupBenchmarks.findById", "-prof", "gc")).containsExactlyElementsOf(discovered());
        assertThat(stores()).containsExactlyElementsOf(discovered());
        assertThat(stores("-p", "db=postgresql")).containsExactlyElementsOf(discovered());
    }

    @Test
    void allMeansEveryStyleFoundAndOtherChoicesAreKept() throws Exception {
        assertThat(stores("-p", "store=all")).containsExactlyElementsOf(discovered());
        assertThat(stores("-pstore=all")).containsExactlyElementsOf(discovered());
        assertThat(stores("-p", "store=jooq,jdbc")).containsExactly("jooq", "jdbc");
        assertThat(stores("-p", "store=jooq,all")).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("jooq"),
                        discovered().stream().filter(s -> !s.equals("jooq"))).toList());
    }

    @Test
    void theAnnotationDefaultIsTheEveryStyleValue() throws Exception {
        assertThat(StoreBenchmark.class.getField("store").getAnnotation(org.openjdk.jmh.annotations.Param.class).value())
                .containsExactly(Styles.EVERY_STYLE);
        assertThat(StartupBenchmark.class.getField("store").getAnnotation(org.openjdk.jmh.annotations.Param.class).value())
                .containsExactly(Styles.EVERY_STYLE);
    }
}
