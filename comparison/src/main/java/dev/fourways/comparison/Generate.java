package dev.fourways.comparison;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fourways.db.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The generator's entry point: captures the SQL on the database {@code fourways.db} names (H2 by
 * default) into {@code docs/comparison/sql/<database>.json}, then writes every page of
 * {@code docs/comparison/} from the code, the captures of all databases and the sample report.
 * {@code --pages-only} skips the capture. What the pitfall tests last recorded
 * ({@code <module>/target/pitfalls/}) is copied to {@code docs/comparison/sql/pitfalls/} first
 * ({@link Pitfall#keepRecordings}). Run through {@value #COMMAND}, which runs the pitfall tests
 * unless {@code --pages-only} is given.
 */
public final class Generate {

    /** The one documented command; every page and error message names it. */
    public static final String COMMAND = "./comparison/generate";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Generate() {
    }

    /**
     * @param args {@code --pages-only} to write the pages from the committed captures only
     */
    public static void main(String[] args) {
        Path root = root();
        List<Operation> operations = ContractReader.operations(root);
        if (!List.of(args).contains("--pages-only")) {
            DatabaseSettings server = DatabaseSettings.fromSystemProperties();
            long start = System.nanoTime();
            Captured captured = SqlCapture.capture(server, operations);
            writeCapture(root, captured);
            System.out.printf("captured %d operations x %d styles on %s in %.1f s%n", operations.size(), Style.ALL.size(),
                    captured.database(), (System.nanoTime() - start) / 1e9);
        }
        int kept = Pitfall.keepRecordings(root, Pitfall.all(root));
        System.out.println("kept " + kept + " pitfall SQL records in " + root.resolve(Pages.DIR).resolve(Pitfall.COMMITTED_SQL_DIR));
        Map<String, String> pages = new Pages(root, operations, readCaptures(root), SampleReport.read(root)).render();
        writePages(root, pages);
        System.out.println("wrote " + pages.size() + " pages to " + root.resolve(Pages.DIR));
    }

    /** The repository's root: {@code fourways.root}, else the working directory. */
    public static Path root() {
        return Path.of(System.getProperty("fourways.root", ".")).toAbsolutePath().normalize();
    }

    /** @return the committed captures, by database id */
    public static Map<String, Captured> readCaptures(Path root) {
        Map<String, Captured> captures = new LinkedHashMap<>();
        for (String db : SampleReport.DATABASES) {
            Path file = captureFile(root, db);
            if (Files.isRegularFile(file)) {
                try {
                    captures.put(db, JSON.readValue(file.toFile(), Captured.class));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return captures;
    }

    /** @return the capture as it is stored */
    public static String json(Captured captured) {
        try {
            return JSON.writeValueAsString(captured) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path captureFile(Path root, String database) {
        return root.resolve(Pages.DIR).resolve("sql").resolve(database + ".json");
    }

    private static void writeCapture(Path root, Captured captured) {
        write(captureFile(root, captured.database()), json(captured));
    }

    private static void writePages(Path root, Map<String, String> pages) {
        Path dir = root.resolve(Pages.DIR);
        // An operation removed from the contract loses its page.
        try (Stream<Path> old = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path file : old.filter(f -> f.toString().endsWith(".md")).toList()) {
                if (!pages.containsKey(file.getFileName().toString())) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pages.forEach((name, text) -> write(dir.resolve(name), text));
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
