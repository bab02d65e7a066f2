package dev.fourways.schemachange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The patch files in {@code schema-change/changes/} and what {@code git apply} says about them.
 * {@code common.patch} is the shared part (migrations, domain, the JDBC reference, the contract's
 * guard); each style's patch applies on top of it.
 */
public final class Patches {

    /** The styles with a patch of their own, in the page's order; jdbc's change is common.patch. */
    public static final List<String> STYLES = List.of("hibernate", "mybatis", "jdbi", "jooq");

    private Patches() {
    }

    /** The repository root ({@code -Dfourways.root}, set by the module's POM). */
    public static Path root() {
        return Path.of(System.getProperty("fourways.root", "..")).toAbsolutePath().normalize();
    }

    /** A patch file, for example {@code common} or {@code jooq}. */
    public static Path patch(String name) {
        return root().resolve("schema-change/changes/" + name + ".patch");
    }

    /**
     * One changed file of a patch, from {@code git apply --numstat}.
     *
     * @param added   lines added
     * @param removed lines removed
     * @param path    repository-relative
     */
    public record FileChange(int added, int removed, String path) {
    }

    /** {@code git apply --numstat}: the files a patch touches and its lines, without applying it. */
    public static List<FileChange> numstat(String name) {
        List<FileChange> changes = new ArrayList<>();
        for (String line : git("apply", "--numstat", patch(name).toString()).lines().toList()) {
            String[] f = line.split("\t");
            changes.add(new FileChange(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2]));
        }
        return changes;
    }

    /**
     * The build steps a change reruns beyond compiling Java, from the files it touches: a migration
     * reruns jOOQ's code generator in sql-layer (which reads common's migration folders), and a
     * Java file of declarative-orm reruns Hibernate Processor (javac runs it).
     */
    public static List<String> buildSteps(String name) {
        List<String> steps = new ArrayList<>();
        List<FileChange> files = numstat(name);
        if (name.equals("jooq") || files.stream().anyMatch(f -> f.path().startsWith("sql-layer/"))) {
            steps.add("jOOQ code generation (from the new migrations)");
        }
        if (files.stream().anyMatch(f -> f.path().startsWith("declarative-orm/src/main/java/"))) {
            steps.add("Hibernate Processor (annotation processing, checks @HQL)");
        }
        if (files.stream().anyMatch(f -> f.path().contains("/db/migration/"))) {
            steps.add("Flyway migration");
        }
        return steps;
    }

    /**
     * Runs git in the repository root.
     *
     * @return its standard output
     * @throws IllegalStateException with git's output when it exits non-zero
     */
    public static String git(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", root().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run git: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
