package dev.fourways.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Start-up as the model grows: runs the {@code model-growth} module's sweep (every style started on
 * generated models of N tables, see {@code model-growth/README.md}) into {@code <report>/growth},
 * before the query benchmarks, so that REPORT.md can link its {@code growth.md}. It runs as its own
 * JVM, {@code java -jar model-growth/target/model-growth.jar}, because its JMH forks need the
 * generated models on their class path. H2 only (a migrated file database per model size).
 */
final class GrowthSweep {

    /** The sweep's launcher, built by {@code ./compare} ({@code ./mvnw -pl benchmarks,model-growth -am package}). */
    static final Path JAR = Path.of("model-growth", "target", "model-growth.jar");
    /** The folder under the report that holds growth.md, growth.json and the charts. */
    static final String FOLDER = "growth";

    private GrowthSweep() {
    }

    /**
     * Runs the sweep and waits for it.
     *
     * @param tables the model sizes (tables), ascending
     * @param mode   quick: no class-data-sharing run; full: with it. 3 forks per point either way: with
     *               one, a point has no spread and no difference can be told from noise
     * @param report the report folder; the sweep writes {@code report/growth}
     * @throws Compare.RunFailed when the launcher is missing or the sweep exits with an error
     */
    static void run(List<Integer> tables, Compare.Mode mode, Path report) throws IOException, InterruptedException {
        if (!Files.isRegularFile(JAR)) {
            throw new Compare.RunFailed(JAR + " is missing: build it with ./mvnw -q -pl benchmarks,model-growth -am package "
                    + "-DskipTests (./compare does), or pass --growth none");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // The launcher prepares the models itself (Flyway, HikariCP, Hibernate's version line):
                // their INFO lines would bury the sweep's own progress, as its forks' already are.
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.jboss.logging.provider=slf4j",
                "-jar", JAR.toString(),
                "--n", tables.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--forks", "3",
                "--out", report.resolve(FOLDER).toAbsolutePath().toString()));
        if (mode != Compare.Mode.FULL) {
            command.add("--no-cds");
        }
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new Compare.RunFailed("the start-up sweep (" + String.join(" ", command) + ") exited with " + exit);
        }
    }
}
