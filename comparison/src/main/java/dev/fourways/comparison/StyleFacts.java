package dev.fourways.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a style costs to write and to ship, counted the same way for every style: lines of code
 * (non-blank lines that are not only a comment: Java, mapping XML, properties; the module's
 * {@code pom.xml} apart; generated code listed apart and not added), files, build-time steps
 * (annotation processors and code generators in the module's {@code pom.xml}), and the run-time
 * class path (jars and MB), read from {@code <module>/target/runtime-classpath.txt}, which
 * {@code ./comparison/generate} writes with {@code dependency:build-classpath}.
 *
 * @param style          the style
 * @param javaLines      non-blank, non-comment lines of the main Java sources
 * @param mappingLines   the same for {@code src/main/resources} (mapper XML, properties, service files)
 * @param pomLines       the same for the module's {@code pom.xml} (build configuration)
 * @param files          the files counted in {@code javaLines} and {@code mappingLines}
 * @param generatedLines lines the build generates (not counted above), 0 when none or not built
 * @param buildSteps     the build-time steps, empty when there are none
 * @param jars           jars on the run-time class path, -1 when the class path file is missing
 * @param megabytes      their total size, MB (10^6 bytes)
 */
public record StyleFacts(Style style, int javaLines, int mappingLines, int pomLines, int files, int generatedLines,
                         List<String> buildSteps, int jars, double megabytes) {

    /** The file the generate script writes into each module's {@code target}. */
    public static final String CLASSPATH_FILE = "target/runtime-classpath.txt";

    /** Counts the style's files under {@code root}. */
    public static StyleFacts of(Path root, Style style) {
        Path module = root.resolve(style.module());
        List<Path> java = files(style.mainJava(root), ".java").stream()
                .filter(f -> style.mainOnly().isEmpty() || style.mainOnly().stream()
                        .anyMatch(p -> style.mainJava(root).relativize(f).toString().replace('\\', '/').startsWith(p)))
                .toList();
        List<Path> resources = style.mainOnly().isEmpty() ? files(module.resolve("src/main/resources"), "") : List.of();
        int javaLines = java.stream().mapToInt(StyleFacts::codeLines).sum();
        int mappingLines = resources.stream().mapToInt(StyleFacts::codeLines).sum();
        int generated = files(module.resolve("target/generated-sources"), ".java").stream().mapToInt(StyleFacts::codeLines).sum();
        double[] classpath = classpath(module.resolve(CLASSPATH_FILE));
        return new StyleFacts(style, javaLines, mappingLines, codeLines(module.resolve("pom.xml")), java.size() + resources.size(),
                generated, buildSteps(module.resolve("pom.xml")), (int) classpath[0], classpath[1]);
    }

    /** Lines that are neither blank nor only comment (Java's and XML's comments, properties' {@code #}). */
    static int codeLines(Path file) {
        String name = file.getFileName().toString();
        boolean xml = name.endsWith(".xml");
        boolean properties = !xml && !name.endsWith(".java");
        int count = 0;
        boolean inComment = false;
        for (String raw : read(file)) {
            String line = raw.strip();
            if (inComment) {
                int end = line.indexOf(xml ? "-->" : "*/");
                if (end < 0) {
                    continue;
                }
                inComment = false;
                line = line.substring(end + (xml ? 3 : 2)).strip();
            }
            String open = xml ? "<!--" : "/*";
            if (!properties && line.startsWith(open)) {
                int end = line.indexOf(xml ? "-->" : "*/", open.length());
                if (end < 0) {
                    inComment = true;
                    continue;
                }
                line = line.substring(end + (xml ? 3 : 2)).strip();
            }
            boolean comment = line.isEmpty() || (!xml && !properties && line.startsWith("//"))
                    || (properties && line.startsWith("#"));
            if (!comment) {
                count++;
            }
        }
        return count;
    }

    private static List<String> buildSteps(Path pom) {
        List<String> steps = new ArrayList<>();
        Document dom = parse(pom);
        NodeList paths = dom.getElementsByTagName("annotationProcessorPaths");
        for (int i = 0; i < paths.getLength(); i++) {
            NodeList ids = ((Element) paths.item(i)).getElementsByTagName("artifactId");
            for (int j = 0; j < ids.getLength(); j++) {
                steps.add("annotation processing (" + ids.item(j).getTextContent().strip() + ")");
            }
        }
        NodeList plugins = dom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            NodeList ids = ((Element) plugins.item(i)).getElementsByTagName("artifactId");
            String id = ids.getLength() == 0 ? "" : ids.item(0).getTextContent().strip();
            if (id.contains("codegen")) {
                steps.add("code generation (" + id + ")");
            }
        }
        return steps;
    }

    /** @return {jars, MB}, or {-1, NaN} when the file is missing */
    private static double[] classpath(Path file) {
        if (!Files.isRegularFile(file)) {
            return new double[] {-1, Double.NaN};
        }
        String text = String.join("", read(file)).strip();
        List<Path> jars = text.isEmpty() ? List.of()
                : Stream.of(text.split(java.io.File.pathSeparator)).map(Path::of).filter(p -> p.toString().endsWith(".jar")).toList();
        long bytes = 0;
        for (Path jar : jars) {
            try {
                bytes += Files.size(jar);
            } catch (IOException e) {
                throw new UncheckedIOException("the class path names a missing jar: " + jar, e);
            }
        }
        return new double[] {jars.size(), bytes / 1e6};
    }

    private static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Document parse(Path pom) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + pom, e);
        }
    }
}
