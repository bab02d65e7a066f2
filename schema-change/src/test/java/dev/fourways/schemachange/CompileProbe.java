package dev.fourways.schemachange;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Measures whether a forgotten change fails the build, the way each style's own build would run:
 * jOOQ's code generator on the migrations plus a {@link SchemaStep}, then javac on sql-layer's
 * unchanged sources against the regenerated classes; and javac with Hibernate Processor on
 * declarative-orm's sources. Everything runs in this JVM, into temporary folders; the modules'
 * own {@code target/} folders are never touched. Results are cached per probe, because the page
 * test and {@link CompileTimeCatchTest} ask for the same ones in one test run.
 */
public final class CompileProbe {

    /**
     * One compilation's outcome.
     *
     * @param compiled true when javac (and the annotation processor it ran) reported no error
     * @param errors   each error as {@code File.java:line: message}, message lines joined by
     *                 {@code " / "}; empty when {@code compiled}
     * @param generated the folder of the classes jOOQ generated for this compilation, or null
     */
    public record Outcome(boolean compiled, List<String> errors, Path generated) {

        /** The first error, for reports; empty when there was none. */
        public String firstError() {
            return errors.isEmpty() ? "" : errors.get(0);
        }
    }

    private static final Map<String, Outcome> CACHE = new ConcurrentHashMap<>();

    private CompileProbe() {
    }

    /**
     * Regenerates jOOQ's classes from the shared H2 and common migrations plus {@code step}'s H2
     * migration, with the generator configuration read from {@code sql-layer/pom.xml}, and compiles
     * sql-layer's unchanged main sources against them.
     */
    public static Outcome jooq(SchemaStep step) {
        return CACHE.computeIfAbsent("jooq " + step, k -> {
            Path work = temp("jooq-" + step.name().toLowerCase(Locale.ROOT));
            Path generated = regenerate(step, work);
            List<Path> sources = new ArrayList<>(javaFiles(module("sql-layer")));
            sources.addAll(javaFiles(generated));
            // sql-layer's jar holds the old generated classes: it must not be on the class path.
            return compile(sources, classPathWithout("/sql-layer/"), List.of("-proc:none"), work, generated);
        });
    }

    /**
     * Compiles declarative-orm's main sources with Hibernate Processor, as its build does, after
     * {@code edit} rewrote each source file's text ({@code (fileName, text) -> text}); pass
     * {@link #UNCHANGED} for the sources as they are.
     *
     * @param label names the edit in the cache
     */
    public static Outcome hibernate(String label, Edit edit) {
        return CACHE.computeIfAbsent("hibernate " + label, k -> {
            Path work = temp("hibernate-" + label);
            Path copy = work.resolve("src");
            List<Path> sources = new ArrayList<>();
            for (Path file : javaFiles(module("declarative-orm"))) {
                Path target = copy.resolve(module("declarative-orm").relativize(file));
                write(target, edit.apply(file.getFileName().toString(), read(file)));
                sources.add(target);
            }
            return compile(sources, classPathWithout("/declarative-orm/"),
                    List.of("-processor", "org.hibernate.processor.HibernateProcessor",
                            "-s", mkdirs(work.resolve("generated")).toString()), work, null);
        });
    }

    /** A rewrite of one source file: file name (no folder) and its text to the new text. */
    @FunctionalInterface
    public interface Edit {
        /** @return the file's new text */
        String apply(String fileName, String text);
    }

    /** No edit: the sources as committed. */
    public static final Edit UNCHANGED = (name, text) -> text;

    /**
     * The rename done in the entity only, as a developer following the migration would start:
     * column {@code display_name} to {@code full_name}, field {@code displayName} to
     * {@code fullName} in {@code UserEntity.java}; every {@code @HQL} query left as it is.
     */
    public static final Edit RENAME_ENTITY_FIELD_ONLY = (name, text) -> !name.equals("UserEntity.java") ? text
            : text.replace("\"display_name\"", "\"full_name\"")
                    // displayName not followed by "(": the field, not NewUser's accessor.
                    .replaceAll("\\bdisplayName\\b(?!\\()", "fullName");

    private static Path regenerate(SchemaStep step, Path work) {
        Path scripts = mkdirs(work.resolve("ddl"));
        Path migrations = Patches.root().resolve("common/src/main/resources/db/migration");
        Stream.concat(sqlFiles(migrations.resolve("h2")), sqlFiles(migrations.resolve("common")))
                .forEach(f -> write(scripts.resolve(f.getFileName()), read(f)));
        write(scripts.resolve(step.file()), step.script(dev.fourways.db.Database.byId("h2")));
        Path generated = mkdirs(work.resolve("generated"));
        try {
            Configuration configuration = GenerationTool.load(new java.io.ByteArrayInputStream(
                    generatorConfiguration(scripts).getBytes(StandardCharsets.UTF_8)));
            configuration.getGenerator().getTarget().setDirectory(generated.toString());
            GenerationTool.generate(configuration);
        } catch (Exception e) {
            throw new IllegalStateException("jOOQ's code generation failed on " + scripts + ": " + e, e);
        }
        return generated;
    }

    /**
     * The {@code <configuration>} of sql-layer's jooq-codegen-maven plugin, as a code generation
     * configuration file: the same elements, so a change to the POM changes this probe too. The
     * POM's two properties are replaced: the scripts folder by {@code scripts}, the target folder
     * later by the caller.
     */
    static String generatorConfiguration(Path scripts) {
        try {
            Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(Patches.root().resolve("sql-layer/pom.xml").toFile());
            NodeList plugins = pom.getElementsByTagName("plugin");
            for (int i = 0; i < plugins.getLength(); i++) {
                Element plugin = (Element) plugins.item(i);
                if (text(plugin, "artifactId").equals("jooq-codegen-maven")) {
                    Element configuration = (Element) plugin.getElementsByTagName("configuration").item(0);
                    StringWriter xml = new StringWriter();
                    var transformer = TransformerFactory.newInstance().newTransformer();
                    transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
                    transformer.transform(new DOMSource(configuration), new StreamResult(xml));
                    String result = xml.toString()
                            .replace("${jooq.ddl.dir}", scripts.toString().replace('\\', '/'))
                            .replace("${project.build.directory}", scripts.getParent().toString());
                    if (result.contains("${")) {
                        throw new IllegalStateException("a POM property this probe does not replace: " + result);
                    }
                    return result;
                }
            }
            throw new IllegalStateException("no jooq-codegen-maven plugin in sql-layer/pom.xml");
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read sql-layer/pom.xml: " + e, e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }

    private static Outcome compile(List<Path> sources, List<Path> classPath, List<String> extraOptions, Path work,
                                   Path generated) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of("-d", mkdirs(work.resolve("classes")).toString(),
                    "-classpath", classPath.stream().map(Path::toString).collect(Collectors.joining(
                            java.io.File.pathSeparator)), "-encoding", "UTF-8", "-nowarn", "-Xlint:none"));
            options.addAll(extraOptions);
            boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(CompileProbe::describe).toList();
            return new Outcome(ok, errors, generated);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Diagnostic<? extends JavaFileObject> d) {
        String file = d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":"
                + d.getLineNumber() + ": ";
        return file + d.getMessage(Locale.ROOT).lines().map(String::strip).collect(Collectors.joining(" / "));
    }

    /** The test's class path, less every entry of the module whose sources are compiled instead. */
    static List<Path> classPathWithout(String moduleFolder) {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.replace('\\', '/').contains(moduleFolder))
                .map(Path::of).toList();
    }

    private static Path module(String name) {
        return Patches.root().resolve(name).resolve("src/main/java");
    }

    private static List<Path> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> sqlFiles(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every temporary folder of this run, deleted when the JVM exits (the cache may still use them before). */
    private static final List<Path> TEMPORARY = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMPORARY.forEach(CompileProbe::deleteTree)));
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // Best effort at exit: a folder left in the temporary directory is harmless.
        }
    }

    private static Path temp(String prefix) {
        try {
            Path folder = Files.createTempDirectory("fourways-" + prefix + "-");
            TEMPORARY.add(folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path mkdirs(Path folder) {
        try {
            return Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
