package dev.fourways.growth;

import dev.fourways.db.ConnectionPools;
import dev.fourways.db.Database;
import dev.fourways.db.DatabaseSettings;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;

/**
 * Makes one generated model ready to start: writes it ({@link ModelGenerator}, {@link JooqCodegen}),
 * compiles it ({@link ModelCompiler}), enhances one copy of the entities ({@link HibernateEnhancement}) and migrates its H2 file database through Flyway, as
 * common's {@code Migrations} migrates the real schema. Kept in the cache: a complete model is reused.
 */
public final class ModelBuilder {

    private ModelBuilder() {
    }

    /**
     * @return the layout, complete (generated, compiled, migrated)
     */
    public static ModelLayout prepare(Path cache, int n, java.io.PrintStream log) throws Exception {
        ModelLayout layout = ModelLayout.of(cache, n);
        if (Files.exists(layout.doneMarker()) && Files.readString(layout.doneMarker()).equals(doneText(n))) {
            return layout;
        }
        deleteRecursively(layout.root());
        long t0 = System.nanoTime();
        new ModelGenerator(layout).writeAll();
        JooqCodegen.generate(layout);
        long t1 = System.nanoTime();
        ModelCompiler.compile(layout);
        int enhanced = HibernateEnhancement.enhance(layout);
        if (enhanced != n) {
            throw new IllegalStateException("model n=" + n + ": Hibernate enhanced " + enhanced + " entities, expected " + n);
        }
        ModelCompiler.jar(layout);
        long t2 = System.nanoTime();
        int applied = migrate(layout);
        long t3 = System.nanoTime();
        log.printf("model n=%d: generated in %d ms, compiled in %d ms, %d migration applied in %d ms (%s)%n",
                n, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, applied, (t3 - t2) / 1_000_000, layout.root());
        Files.writeString(layout.doneMarker(), doneText(n));
        return layout;
    }

    /**
     * What the done marker holds. The layout version changes whenever the generator writes
     * something new, so that a model cached by an older version is built again, not half used
     * (version 2: the build-time enhanced entities).
     */
    private static String doneText(int n) {
        return "n=" + n + "\nlayout=2\n";
    }

    /** Flyway over the generated migration folder; H2 in a file under the cache, so every fork finds it migrated. */
    static int migrate(ModelLayout layout) {
        try (HikariDataSource pool = open(layout, "growth-migrate")) {
            return Flyway.configure()
                    .dataSource(pool)
                    .locations("filesystem:" + layout.migrationDir())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate()
                    .migrationsExecuted;
        }
    }

    /** A HikariCP pool from common's {@code ConnectionPools}, as every style gets in the benchmarks. */
    public static HikariDataSource open(ModelLayout layout, String name) {
        return ConnectionPools.open(new DatabaseSettings(Database.H2, layout.jdbcUrl(), "sa", ""), name);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
