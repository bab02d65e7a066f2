package dev.fourways.growth;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code java -jar model-growth/target/model-growth.jar}: generates, compiles and
 * migrates each model size into the cache (reused when complete), then runs {@link Sweep} in a
 * child JVM whose class path holds this jar and every compiled model, because JMH's forks reuse
 * their host's class path. See the module README for what it measures and how long it takes.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--render")) {
            render(Path.of(args[1]));
            return;
        }
        SweepOptions options;
        try {
            options = SweepOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // jOOQ's code generation prints a logo and a tip of the day on every run.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
        long t0 = System.nanoTime();
        List<String> classPath = new ArrayList<>(List.of(System.getProperty("java.class.path")));
        for (int n : options.ns()) {
            classPath.add(ModelBuilder.prepare(options.cache(), n, System.out).jar().toString());
        }
        System.out.printf("models ready in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.awt.headless=true", "-cp", String.join(File.pathSeparator, classPath), Sweep.class.getName()));
        command.addAll(options.toArgs());
        int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
        System.exit(rc);
    }

    /**
     * {@code --render DIR}: writes growth.md and the charts again from DIR/growth.json, without
     * measuring (after a change to the report's text or charts).
     */
    private static void render(Path dir) throws Exception {
        GrowthReport report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(dir.resolve("growth.json").toFile(), GrowthReport.class);
        System.out.println("wrote " + ReportWriter.write(report, dir));
    }
}
