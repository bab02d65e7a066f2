package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.db.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The patches still apply to the current tree (after other work changed the same files, they are
 * re-applied with {@code git apply --3way} and saved again), and the migrations they add are
 * exactly this module's. Whether the patched project passes the contract is checked by
 * {@code schema-change/verify-patches}, too slow for the default build.
 */
class SchemaChangePatchesTest {

    static List<String> styles() {
        return Patches.STYLES;
    }

    @ParameterizedTest
    @MethodSource("styles")
    void eachStylePatchAppliesOnTopOfTheCommonOne(String style) {
        // One git apply with both files applies them in order, to the working tree's files,
        // without writing anything (--check).
        Patches.git("apply", "--check", Patches.patch("common").toString(), Patches.patch(style).toString());
        assertThat(Patches.numstat(style)).as("%s.patch changes files", style).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql", "mariadb"})
    void theCommonPatchAddsExactlyThisModulesMigrations(String id) throws IOException {
        Database database = Database.byId(id);
        String patch = Files.readString(Patches.patch("common"));
        for (SchemaStep step : SchemaStep.values()) {
            Path added = Path.of("common/src/main/resources/db/migration", id, step.file());
            String marker = "+++ b/" + added.toString().replace('\\', '/') + "\n";
            assertThat(patch).as("common.patch adds %s", added).contains(marker);
            int start = patch.indexOf("@@", patch.indexOf(marker));
            start = patch.indexOf('\n', start) + 1;
            int end = patch.indexOf("\ndiff --git", start);
            String body = patch.substring(start, end < 0 ? patch.length() : end + 1);
            String content = body.lines().map(l -> l.substring(1)).reduce("", (a, b) -> a + b + "\n");
            assertThat(content).as("%s in common.patch equals %s", added, step.resource(database))
                    .isEqualTo(step.script(database));
        }
    }
}
