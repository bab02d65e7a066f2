package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generates {@code docs/schema-change.md} from the patches ({@code git apply --numstat}) and from
 * what {@link ForgottenChangeProbe} observes now, on H2, and fails when the committed page differs.
 * Regenerate with {@code ./mvnw -o -q -pl schema-change -am verify -Dfourways.writePage=true}.
 */
class SchemaChangePageTest {

    private static final Map<String, String> PATCH = Map.of("jdbc", "common", "hibernate", "hibernate",
            "mybatis", "mybatis", "jdbi", "jdbi", "jooq", "jooq");

    @Test
    void theCommittedPageIsWhatTheTestsMeasure() throws IOException {
        if (!DatabaseSettings.fromSystemProperties().database().id().equals("h2")) {
            return; // the page is generated from the default run; the servers run ForgottenChangeTest
        }
        String page = render();
        Path file = Patches.root().resolve("docs/schema-change.md");
        if (Boolean.getBoolean("fourways.writePage")) {
            Files.writeString(file, page);
        }
        assertThat(Files.exists(file) ? Files.readString(file) : "")
                .as("docs/schema-change.md is stale; regenerate: ./mvnw -o -q -pl schema-change -am verify "
                        + "-Dfourways.writePage=true")
                .isEqualTo(page);
    }

    /**
     * What the build of a style says about a forgotten change, measured by {@link CompileProbe}, as
     * the start of a table cell; just {@code "run: "} for the styles whose build reads neither the
     * schema nor their SQL (jdbc, mybatis, jdbi).
     */
    static String buildOutcome(String style, SchemaStep step) {
        return switch (style) {
            case "jooq" -> {
                CompileProbe.Outcome o = CompileProbe.jooq(step);
                yield o.compiled()
                        ? "build: compiles" + (step == SchemaStep.ADD ? " (`LOCALE` generated, unused)" : "")
                        + "; run: "
                        : "**compile time (regenerated classes)**; a jar built before the migration: ";
            }
            case "hibernate" -> {
                CompileProbe.Outcome o = CompileProbe.hibernate("unchanged", CompileProbe.UNCHANGED);
                yield o.compiled() ? "build: compiles (the Processor reads entities, not the database); run: "
                        : "**compile time (Hibernate Processor)**: ";
            }
            // Their builds read neither the schema nor their SQL: only the run can show anything.
            default -> "run: ";
        };
    }

    static String render() {
        DatabaseSettings h2 = DatabaseSettings.from(Map.of());
        Map<String, Map<SchemaStep, Observation>> seen = new TreeMap<>();
        for (var provider : UserStoreProviders.all()) {
            for (SchemaStep step : SchemaStep.values()) {
                seen.computeIfAbsent(provider.name(), k -> new TreeMap<>())
                        .put(step, ForgottenChangeProbe.observe(provider, step, h2));
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(PageText.header());
        md.append("| style | patch | files | lines (+/−) | build steps rerun | add (locale) | rename (full_name) | widen (amount) |\n");
        md.append("|---|---|---:|---:|---|---|---|---|\n");
        for (String style : List.of("jdbc", "hibernate", "mybatis", "jdbi", "jooq")) {
            String name = PATCH.get(style);
            List<Patches.FileChange> files = Patches.numstat(name);
            int added = files.stream().mapToInt(Patches.FileChange::added).sum();
            int removed = files.stream().mapToInt(Patches.FileChange::removed).sum();
            List<String> steps = new ArrayList<>(Patches.buildSteps(name));
            if (style.equals("jooq")) {
                steps.remove("Flyway migration");
            }
            md.append("| ").append(style).append(" | [`").append(name).append(".patch`](../schema-change/changes/")
                    .append(name).append(".patch) | ").append(files.size()).append(" | +").append(added).append(" / −")
                    .append(removed).append(" | ").append(steps.isEmpty() ? "none" : String.join(", ", steps));
            for (SchemaStep step : SchemaStep.values()) {
                Observation o = seen.get(style).get(step);
                md.append(" | ").append(buildOutcome(style, step));
                md.append(o.caught().words());
                if (o.caught() == Caught.FIRST_QUERY) {
                    md.append(" (`").append(o.where()).append("`)");
                }
            }
            md.append(" |\n");
        }
        md.append(PageText.footer(seen, CompileProbe.jooq(SchemaStep.RENAME),
                CompileProbe.hibernate("entity-renamed", CompileProbe.RENAME_ENTITY_FIELD_ONLY)));
        return md.toString();
    }
}
