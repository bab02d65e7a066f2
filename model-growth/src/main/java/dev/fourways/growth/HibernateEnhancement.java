package dev.fourways.growth;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hibernate.bytecode.enhance.spi.DefaultEnhancementContext;
import org.hibernate.bytecode.enhance.spi.EnhancementContext;
import org.hibernate.bytecode.enhance.spi.Enhancer;
import org.hibernate.bytecode.enhance.spi.UnloadedField;
import org.hibernate.bytecode.internal.BytecodeProviderInitiator;

/**
 * Hibernate's build-time bytecode enhancement of the compiled entities in the model's
 * {@code jpaenhanced} package, what the {@code org.hibernate.orm} Maven and Gradle plugins do
 * after {@code compileJava}
 * (https://docs.jboss.org/hibernate/orm/7.0/userguide/html_single/Hibernate_User_Guide.html#BytecodeEnhancement).
 * The enhancer is the one those plugins call ({@code BytecodeProvider.getEnhancer}); each class
 * file is replaced by its enhanced form, so no enhancement happens at run time.
 *
 * <p>Settings are the plugins' defaults: lazy initialisation and inline dirty tracking on (always
 * on in Hibernate 7), bidirectional association management off ({@code enableAssociationManagement}
 * defaults to false; the generated model has only unidirectional {@code @ManyToOne}s anyway),
 * extended enhancement off. Enhanced entities serve as their own lazy proxies, so the
 * SessionFactory need not generate a proxy class per entity at start-up: that is what the
 * {@code enhanced} start-up variant measures.
 */
public final class HibernateEnhancement {

    private HibernateEnhancement() {
    }

    /**
     * Enhances every entity class under {@code classes/<base>/jpaenhanced/} in place.
     *
     * @return the number of classes the enhancer rewrote (the n entities; {@code GrowthModel} is left as it is)
     * @throws IllegalStateException if an entity was not enhanced, so a variant named "enhanced" never runs plain classes
     */
    public static int enhance(ModelLayout layout) throws IOException {
        Path dir = layout.classes().resolve((layout.basePackage() + "." + ModelGenerator.JPA_ENHANCED).replace('.', '/'));
        List<Path> classFiles;
        try (Stream<Path> files = Files.list(dir)) {
            classFiles = files.filter(f -> f.toString().endsWith(".class")).sorted().toList();
        }
        int enhanced = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {layout.classes().toUri().toURL()},
                HibernateEnhancement.class.getClassLoader())) {
            Enhancer enhancer = BytecodeProviderInitiator.buildDefaultBytecodeProvider().getEnhancer(context(loader));
            String pkg = layout.basePackage() + "." + ModelGenerator.JPA_ENHANCED;
            for (Path file : classFiles) {
                String simple = file.getFileName().toString().replace(".class", "");
                if (simple.equals("GrowthModel")) {
                    continue;
                }
                byte[] result = enhancer.enhance(pkg + "." + simple, Files.readAllBytes(file));
                if (result == null) {
                    throw new IllegalStateException("Hibernate's enhancer left the entity " + pkg + "." + simple + " as it was");
                }
                Files.write(file, result);
                enhanced++;
            }
        }
        return enhanced;
    }

    /** The Maven and Gradle plugins' defaults, with the loader that sees the compiled model. */
    private static EnhancementContext context(ClassLoader loader) {
        return new DefaultEnhancementContext() {
            @Override
            public ClassLoader getLoadingClassLoader() {
                return loader;
            }

            @Override
            public boolean doBiDirectionalAssociationManagement(UnloadedField field) {
                return false;
            }
        };
    }
}
