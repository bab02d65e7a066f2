package dev.fourways.growth;

import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.ForcedType;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Property;
import org.jooq.meta.jaxb.Target;

/**
 * jOOQ's classes for a generated model, made by the same code generation as {@code sql-layer/pom.xml}
 * (the {@code DDLDatabase} replaying the Flyway migration on an in-memory H2, the same properties,
 * forced type and {@code <generate>} flags), called from Java instead of the Maven plugin
 * (https://www.jooq.org/doc/3.19/manual/code-generation/codegen-programmatic/).
 *
 * <p>Generated twice: {@code <base>.jooq} with jOOQ's defaults, as sql-layer; and
 * {@code <base>.jooqlean} with {@code globalObjectReferences=false}, the mitigation measured beside it
 * (https://www.jooq.org/doc/3.19/manual/code-generation/codegen-advanced/codegen-config-generate/codegen-generate-global-object-references/):
 * without {@code Tables}, {@code Keys} and {@code Indexes} classes, using one table no longer
 * initialises a class that holds all n of them.
 */
public final class JooqCodegen {

    private JooqCodegen() {
    }

    /** Generates both packages into the layout's source folder. */
    public static void generate(ModelLayout layout) throws Exception {
        generate(layout, layout.basePackage() + ".jooq", true);
        generate(layout, layout.basePackage() + ".jooqlean", false);
    }

    private static void generate(ModelLayout layout, String pkg, boolean globalObjectReferences) throws Exception {
        GenerationTool.generate(new Configuration()
                .withLogging(Logging.WARN)
                .withGenerator(new Generator()
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.extensions.ddl.DDLDatabase")
                                .withProperties(
                                        new Property().withKey("scripts").withValue(layout.migrationDir().resolve("*.sql").toString()),
                                        new Property().withKey("sort").withValue("flyway"),
                                        new Property().withKey("unqualifiedSchema").withValue("none"),
                                        new Property().withKey("defaultNameCase").withValue("lower"))
                                .withForcedTypes(new ForcedType()
                                        .withName("INSTANT")
                                        .withIncludeTypes("TIMESTAMP(\\(\\d+\\))?\\ WITH\\ TIME\\ ZONE")))
                        .withGenerate(new Generate()
                                .withRecords(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withJavaTimeTypes(true)
                                .withSequences(true)
                                .withKeys(true)
                                .withIndexes(true)
                                .withDeprecated(false)
                                .withGeneratedAnnotation(false)
                                .withGlobalObjectReferences(globalObjectReferences))
                        .withTarget(new Target()
                                .withPackageName(pkg)
                                .withDirectory(layout.sources().toString()))));
        writeModel(layout, pkg, globalObjectReferences);
    }

    /** The first query, written as sql-layer writes its queries: through {@code Tables} when it exists. */
    private static void writeModel(ModelLayout layout, String pkg, boolean viaTables) throws java.io.IOException {
        String last = Tables.type(layout.n(), layout.n());
        String table = viaTables ? pkg + ".Tables." + last : pkg + ".tables." + last + "." + last;
        java.nio.file.Path file = layout.sources().resolve(pkg.replace('.', '/')).resolve("GrowthModel.java");
        java.nio.file.Files.writeString(file, "package " + pkg + ";\n\n"
                + "public final class GrowthModel implements dev.fourways.growth.styles.JooqModel {\n\n"
                + "    @Override\n    public String first(org.jooq.DSLContext ctx) {\n"
                + "        return ctx.selectFrom(" + table + ").where(" + table + ".ID.eq(1L)).fetchSingle().getCode();\n    }\n}\n");
    }
}
