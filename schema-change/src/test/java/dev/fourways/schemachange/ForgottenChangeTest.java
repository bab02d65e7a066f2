package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStoreProvider;
import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 21, part 2: each style's current store, unchanged, on a database with one schema step
 * applied, on the database named by {@code -Dfourways.db} (H2 by default). The expected outcome of
 * every pair is written below; a library that starts catching a change earlier or later (or a
 * store that changes how it reads) fails the test, and the observed table goes to
 * {@code target/schema-change/forgotten-<database>.tsv} for the page ({@link SchemaChangePage}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgottenChangeTest {

    /**
     * The expectation, per style and step: when the missing change shows, and where. Written from
     * what the tests observed on H2, PostgreSQL and MariaDB; the same on all three.
     */
    static final Map<String, Map<SchemaStep, String>> EXPECTED = Map.of(
            "jdbc", Map.of(SchemaStep.ADD, "NEVER_NOTHING_LOST", SchemaStep.RENAME, "FIRST_QUERY create",
                    SchemaStep.WIDEN, "NEVER_NOTHING_LOST"),
            "hibernate", Map.of(SchemaStep.ADD, "NEVER_NOTHING_LOST", SchemaStep.RENAME, "START_UP open",
                    SchemaStep.WIDEN, "NEVER_NOTHING_LOST"),
            "mybatis", Map.of(SchemaStep.ADD, "NEVER_NOTHING_LOST", SchemaStep.RENAME, "FIRST_QUERY create",
                    SchemaStep.WIDEN, "NEVER_NOTHING_LOST"),
            "jdbi", Map.of(SchemaStep.ADD, "NEVER_NOTHING_LOST", SchemaStep.RENAME, "FIRST_QUERY create",
                    SchemaStep.WIDEN, "NEVER_NOTHING_LOST"),
            "jooq", Map.of(SchemaStep.ADD, "NEVER_NOTHING_LOST", SchemaStep.RENAME, "FIRST_QUERY create",
                    SchemaStep.WIDEN, "NEVER_NOTHING_LOST"));

    private final DatabaseSettings settings = DatabaseSettings.fromSystemProperties();
    private final List<Observation> observed = new ArrayList<>();

    Stream<Arguments> pairs() {
        assertThat(UserStoreProviders.all()).extracting(UserStoreProvider::name)
                .as("all five stores are on the class path").containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
        return UserStoreProviders.all().stream()
                .flatMap(p -> Stream.of(SchemaStep.values()).map(s -> Arguments.of(p.name(), s)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("pairs")
    void unchangedStoreOnChangedSchema(String style, SchemaStep step) {
        Observation o = ForgottenChangeProbe.observe(UserStoreProviders.byName(style), step, settings);
        synchronized (observed) {
            observed.add(o);
        }
        String expected = EXPECTED.get(style).get(step);
        String actual = o.caught().name() + (o.caught() == Caught.START_UP || o.caught() == Caught.FIRST_QUERY
                ? " " + o.where() : "");
        assertThat(actual).as("%s after '%s' without its change (observed: %s)", style, step.description(), o)
                .isEqualTo(expected);
        if (step == SchemaStep.RENAME) {
            assertThat(o.detail()).as("the error names the column the store still asks for")
                    .containsIgnoringCase("display_name");
        }
    }

    @AfterAll
    void writeObservations() throws IOException {
        Path out = Path.of("target", "schema-change", "forgotten-" + settings.database().id() + ".tsv");
        Files.createDirectories(out.getParent());
        List<String> lines = new ArrayList<>();
        observed.stream().sorted(java.util.Comparator.comparing(Observation::style).thenComparing(Observation::step))
                .forEach(o -> lines.add(String.join("\t", o.style(), o.step().name(), o.caught().name(), o.where(),
                        o.detail().replace('\t', ' '))));
        Files.write(out, lines);
    }
}
