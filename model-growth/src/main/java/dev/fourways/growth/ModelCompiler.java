package dev.fourways.growth;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles a generated model with the JDK's own javac (javax.tools) against this JVM's class
 * path, at {@code --release 17} like the project, and copies the mapper XML beside the classes
 * (as Maven copies resources).
 */
public final class ModelCompiler {

    private ModelCompiler() {
    }

    /** @throws IllegalStateException with javac's messages when the generated sources do not compile */
    public static void compile(ModelLayout layout) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler: run model-growth on a JDK, not a JRE");
        }
        Files.createDirectories(layout.classes());
        List<String> sources = new ArrayList<>();
        List<Path> xml = new ArrayList<>();
        try (Stream<Path> files = Files.walk(layout.sources())) {
            files.filter(Files::isRegularFile).forEach(f -> {
                if (f.toString().endsWith(".java")) {
                    sources.add(f.toString());
                } else if (f.toString().endsWith(".xml")) {
                    xml.add(f);
                }
            });
        }
        // An argument file: thousands of paths would pass the command-line limits of some systems.
        Path argFile = layout.root().resolve("javac-sources.txt");
        Files.write(argFile, sources.stream().map(s -> "\"" + s.replace("\\", "\\\\") + "\"").toList());
        List<String> args = new ArrayList<>(List.of("--release", "17", "-nowarn", "-proc:none", "-encoding", "UTF-8",
                "-cp", System.getProperty("java.class.path"), "-d", layout.classes().toString(), "@" + argFile));
        java.io.ByteArrayOutputStream messages = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, messages, messages, args.toArray(String[]::new));
        if (rc != 0) {
            String text = messages.toString(java.nio.charset.StandardCharsets.UTF_8);
            throw new IllegalStateException("generated model n=" + layout.n() + " does not compile (javac exit " + rc + "):\n"
                    + text.substring(0, Math.min(4000, text.length())));
        }
        for (Path f : xml) {
            Path target = layout.classes().resolve(layout.sources().relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Packs the compiled classes and XML into {@link ModelLayout#jar()}. */
    public static void jar(ModelLayout layout) throws IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        try (java.util.jar.JarOutputStream jar = new java.util.jar.JarOutputStream(Files.newOutputStream(layout.jar()), manifest);
             Stream<Path> files = Files.walk(layout.classes())) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new java.util.jar.JarEntry(layout.classes().relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }

    /** The class path entry separator of this platform. */
    static String separator() {
        return File.pathSeparator;
    }
}
