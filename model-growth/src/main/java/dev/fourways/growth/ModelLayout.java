package dev.fourways.growth;

import java.nio.file.Path;

/**
 * Where one generated model of {@code n} tables lives under the cache folder:
 * {@code <cache>/n<n>/} with {@code migration/V1__growth_model.sql} (the Flyway migration),
 * {@code src/} (generated Java sources and mapper XML), {@code classes/} (their compiled form,
 * to put on a class path) and {@code db/} (the H2 file database, migrated once).
 *
 * @param n     number of tables, at least 2
 * @param root  {@code <cache>/n<n>}
 */
public record ModelLayout(int n, Path root) {

    /** @param cache the cache folder (the launcher uses {@code model-growth/target/growth-cache}) */
    public static ModelLayout of(Path cache, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("n: at least 2 tables (the model has foreign keys between tables), was " + n);
        }
        return new ModelLayout(n, cache.toAbsolutePath().resolve("n" + n));
    }

    public Path migrationDir() {
        return root.resolve("migration");
    }

    public Path sources() {
        return root.resolve("src");
    }

    public Path classes() {
        return root.resolve("classes");
    }

    /**
     * The compiled model as a jar, for the sweep's class path: the JVM's AppCDS archive accepts
     * only jars on the class path, not non-empty directories.
     */
    public Path jar() {
        return root.resolve("model.jar");
    }

    /** Written last by {@link ModelBuilder}: present means the model is complete. */
    public Path doneMarker() {
        return root.resolve("complete");
    }

    /** An H2 file database; {@code DB_CLOSE_ON_EXIT=FALSE} is not needed: every JVM closes its pool. */
    public String jdbcUrl() {
        return "jdbc:h2:file:" + root.resolve("db").resolve("growth");
    }

    /** Root package of the generated classes of this model, e.g. {@code dev.fourways.growth.gen.n100}. */
    public String basePackage() {
        return basePackage(n);
    }

    /** @see #basePackage() */
    public static String basePackage(int n) {
        return "dev.fourways.growth.gen.n" + n;
    }
}
