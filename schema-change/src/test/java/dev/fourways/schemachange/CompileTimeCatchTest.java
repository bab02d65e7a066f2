package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: which forgotten changes the build itself rejects. jOOQ's documented workflow
 * regenerates its classes from the migrations in every build, so the test does the same (the
 * generator configuration is read from {@code sql-layer/pom.xml}) and compiles sql-layer's
 * unchanged sources against the new classes. Hibernate Processor checks {@code @HQL} queries
 * against the entities, never the database: the test compiles declarative-orm unchanged, and
 * again after the rename done in the entity only.
 */
class CompileTimeCatchTest {

    @Test
    void jooqRenameIsACompileErrorOnceTheClassesAreRegenerated() {
        CompileProbe.Outcome o = CompileProbe.jooq(SchemaStep.RENAME);
        assertThat(o.compiled()).as("sql-layer compiles against USERS without DISPLAY_NAME: %s", o).isFalse();
        assertThat(o.errors()).as("every error is the vanished field, in the store").isNotEmpty()
                .allSatisfy(e -> assertThat(e).startsWith("JooqUserStore.java:").contains("DISPLAY_NAME"));
    }

    @Test
    void jooqAddedColumnCompilesAndIsSimplyUnused() throws IOException {
        CompileProbe.Outcome o = CompileProbe.jooq(SchemaStep.ADD);
        assertThat(o.compiled()).as("%s", o).isTrue();
        assertThat(generatedUsers(o)).as("the regenerated USERS has the new column").contains("LOCALE");
        assertThat(Files.readString(Patches.root().resolve(
                "sql-layer/src/main/java/dev/fourways/sqllayer/JooqUserStore.java")))
                .as("the unchanged store never names it").doesNotContain("LOCALE");
    }

    @Test
    void jooqWidenedColumnCompiles() throws IOException {
        CompileProbe.Outcome o = CompileProbe.jooq(SchemaStep.WIDEN);
        assertThat(o.compiled()).as("%s", o).isTrue();
        String purchases = Files.readString(o.generated().resolve("dev/fourways/sqllayer/generated/tables/Purchases.java"));
        assertThat(purchases).as("the regenerated AMOUNT has the new precision").contains("SQLDataType.DECIMAL(12, 2)");
    }

    @Test
    void hibernateCompilesUnchangedBecauseTheProcessorNeverReadsTheDatabase() {
        CompileProbe.Outcome o = CompileProbe.hibernate("unchanged", CompileProbe.UNCHANGED);
        assertThat(o.compiled()).as("%s", o).isTrue();
    }

    @Test
    void hibernateEntityRenamedButQueryForgottenIsAProcessorError() {
        CompileProbe.Outcome o = CompileProbe.hibernate("entity-renamed", CompileProbe.RENAME_ENTITY_FIELD_ONLY);
        assertThat(o.compiled()).as("%s", o).isFalse();
        assertThat(o.errors()).as("Hibernate Processor names the query's attribute that no longer exists")
                .anySatisfy(e -> assertThat(e).startsWith("UserQueries.java:").contains("displayName"));
    }

    private static String generatedUsers(CompileProbe.Outcome o) throws IOException {
        Path users = o.generated().resolve("dev/fourways/sqllayer/generated/tables/Users.java");
        return Files.readString(users);
    }
}
