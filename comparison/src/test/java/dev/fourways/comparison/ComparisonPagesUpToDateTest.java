package dev.fourways.comparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fourways.db.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The staleness check: {@code docs/comparison/} as committed must be what the generator makes of
 * the current code. It captures the SQL again on the database {@code fourways.db} names (H2 in
 * the default build; PostgreSQL or MariaDB in CI's server runs) and compares it with the
 * committed capture, then renders every page and compares it with the committed page, the
 * measured regions ({@link Pages#withoutFigures}) excepted. A failure names the files that differ
 * and the command that regenerates them.
 */
class ComparisonPagesUpToDateTest {

    private final Path root = Generate.root();
    private final List<Operation> operations = ContractReader.operations(root);

    @Test
    void theCommittedCaptureIsWhatTheStoresSendNow() {
        DatabaseSettings server = DatabaseSettings.fromSystemProperties();
        Captured now = SqlCapture.capture(server, operations);
        Path committed = Generate.captureFile(root, now.database());
        assertThat(committed).as("the capture on %s; run %s --db %s", now.database(), Generate.COMMAND, now.database())
                .exists();
        String expected = read(committed);
        if (!expected.equals(Generate.json(now))) {
            fail(Pages.DIR + "/sql/" + now.database() + ".json is stale: the stores now send other SQL on "
                    + now.database() + " (first difference: " + firstDifference(expected, Generate.json(now))
                    + "). Regenerate with: " + Generate.COMMAND + " --db " + now.database());
        }
    }

    @Test
    void theCommittedPagesAreWhatTheGeneratorWritesFromTheCurrentCode() throws IOException {
        Map<String, String> pages = new Pages(root, operations, Generate.readCaptures(root), SampleReport.read(root)).render();
        Path dir = root.resolve(Pages.DIR);
        List<String> stale = new ArrayList<>();
        Map<String, String> committed = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".md")).forEach(f -> committed.put(f.getFileName().toString(), read(f)));
        }
        pages.forEach((name, text) -> {
            String old = committed.get(name);
            if (old == null) {
                stale.add(name + " (missing)");
            } else if (!Pages.withoutFigures(old).equals(Pages.withoutFigures(text))) {
                stale.add(name + " (differs at: " + firstDifference(Pages.withoutFigures(old), Pages.withoutFigures(text)) + ")");
            }
        });
        committed.keySet().stream().filter(name -> !pages.containsKey(name)).forEach(name -> stale.add(name + " (no longer generated)"));
        if (!stale.isEmpty()) {
            fail(Pages.DIR + " is stale: " + String.join("; ", stale) + ". Regenerate with: " + Generate.COMMAND
                    + " --pages-only (or " + Generate.COMMAND + " to capture H2's SQL again too)");
        }
    }

    @Test
    void everyOperationOfTheContractHasAPage() {
        assertThat(operations).extracting(Operation::name).contains("findById", "mergeUsers").doesNotContain("close");
        operations.forEach(op -> assertThat(root.resolve(Pages.DIR).resolve(op.name() + ".md")).exists());
    }

    private static String firstDifference(String expected, String actual) {
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end>";
            String y = i < b.size() ? b.get(i) : "<end>";
            if (!x.equals(y)) {
                return "line " + (i + 1) + ", committed \"" + cut(x) + "\", now \"" + cut(y) + "\"";
            }
        }
        return "whitespace only";
    }

    private static String cut(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
