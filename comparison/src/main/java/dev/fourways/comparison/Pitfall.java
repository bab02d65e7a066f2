package dev.fourways.comparison;

import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.javadoc.JavadocBlockTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A pitfall that runs: a test class in a style module's test sources, in a package named
 * {@code pitfalls}, whose Javadoc says what goes wrong. Its {@code @see} tags name the contract
 * operation it concerns ({@code @see dev.fourways.UserStore#pageWithPurchases}) and the
 * library's documentation (a URL). Found by scanning, never listed by hand.
 *
 * @param style      the style whose module holds it
 * @param className  the test class's simple name
 * @param path       the test's source, relative to the repository's root
 * @param title      the Javadoc's first sentence
 * @param summary    the rest of the Javadoc's description, one paragraph
 * @param operations the contract operations it concerns
 * @param docs       the library documentation it cites
 */
public record Pitfall(Style style, String className, String path, String title, String summary,
                      List<String> operations, List<String> docs) {

    /** Where a pitfall test writes the statements each variant sent, relative to the module. */
    public static final String SQL_DIR = "target/pitfalls";
    /** Where the generator keeps them for the pitfalls page, relative to {@link Pages#DIR}: committed. */
    public static final String COMMITTED_SQL_DIR = "sql/pitfalls";
    /** The two variants every pitfall test records: the naive code and the idiom. */
    public static final List<String> VARIANTS = List.of("naive", "idiom");

    /** @return every pitfall of every style, style by style, by class name */
    public static List<Pitfall> all(Path root) {
        List<Pitfall> found = new ArrayList<>();
        for (Style style : Style.ALL) {
            Path tests = root.resolve(style.module()).resolve("src/test/java");
            if (!Files.isDirectory(tests)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(tests)) {
                for (Path file : files.filter(f -> f.getParent().getFileName().toString().equals("pitfalls")
                        && f.toString().endsWith("Test.java")).sorted().toList()) {
                    found.add(read(root, style, file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /**
     * The committed record of what a variant sent: {@code docs/comparison/sql/pitfalls/<test>.<variant>.sql}.
     *
     * @param variant one of {@link #VARIANTS}
     */
    public Path committedSql(Path root, String variant) {
        return root.resolve(Pages.DIR).resolve(COMMITTED_SQL_DIR).resolve(className + "." + variant + ".sql");
    }

    /**
     * Copies what the last run of each pitfall test recorded ({@code <module>/target/pitfalls/}) over
     * the committed record, so the pitfalls page shows it without the tests being run again. A
     * variant the tests did not record (they have not run since a clean) keeps its committed record.
     *
     * @return the records copied
     */
    public static int keepRecordings(Path root, List<Pitfall> pitfalls) {
        int copied = 0;
        for (Pitfall p : pitfalls) {
            for (String variant : VARIANTS) {
                Path recorded = root.resolve(p.style().module()).resolve(SQL_DIR).resolve(p.className() + "." + variant + ".sql");
                if (Files.isRegularFile(recorded)) {
                    try {
                        Path committed = p.committedSql(root, variant);
                        Files.createDirectories(committed.getParent());
                        Files.copy(recorded, committed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        copied++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        return copied;
    }

    private static Pitfall read(Path root, Style style, Path file) {
        SourceFile source = SourceFile.read(root, file);
        TypeDeclaration<?> type = source.unit().getType(0);
        var javadoc = type.getJavadoc().orElseThrow(() -> new IllegalStateException(source.path()
                + ": a pitfall needs a Javadoc saying what goes wrong"));
        String description = Javadocs.markdown(javadoc.getDescription().toText());
        int dot = description.indexOf(". ");
        List<String> operations = new ArrayList<>();
        List<String> docs = new ArrayList<>();
        for (JavadocBlockTag tag : javadoc.getBlockTags()) {
            String content = tag.getContent().toText().strip();
            if (tag.getType() == JavadocBlockTag.Type.SEE && content.contains("UserStore#")) {
                operations.add(content.substring(content.indexOf('#') + 1));
            } else if (tag.getType() == JavadocBlockTag.Type.SEE) {
                docs.add(content.replaceAll("<a href=\"([^\"]+)\">.*", "$1"));
            }
        }
        return new Pitfall(style, type.getNameAsString(), source.path(),
                dot < 0 ? description : description.substring(0, dot + 1),
                dot < 0 ? "" : description.substring(dot + 2), operations, docs);
    }
}
