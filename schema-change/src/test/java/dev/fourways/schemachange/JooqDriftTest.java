package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.sqllayer.generated.DefaultSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.jooq.Schema;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, part 3, database first: sql-layer's generated classes (made from the H2 migrations at
 * build time) against the live database migrated by Flyway, on the database named by
 * {@code -Dfourways.db}, compared as {@link SchemaFacts}. The differences must equal the list
 * below, so a new one (a migration edited for one database only, a generator setting changed)
 * fails the test; the list and why each entry is harmless are on docs/schema-change.md.
 */
class JooqDriftTest {

    /** Per database id: the differences observed, each explained on the page. */
    static final Map<String, Set<String>> EXPECTED = Map.of(
            "h2", Set.of(),
            // The classes are generated from H2's DDL, where display_name is varchar(200) because H2
            // counts UTF-16 units; PostgreSQL and MariaDB say 100 characters. jOOQ checks no length.
            "postgresql", Set.of(
                    "only in generated classes: column users.display_name varchar(200) null",
                    "only in database: column users.display_name varchar(100) null"),
            // MariaDB has no timestamp with time zone: its migration uses datetime(6) holding UTC,
            // which jOOQ reads as TIMESTAMP; the forced type binds at UTC, so the values agree.
            "mariadb", Set.of(
                    "only in generated classes: column users.display_name varchar(200) null",
                    "only in database: column users.display_name varchar(100) null",
                    "only in generated classes: column users.created_at timestamp with time zone not null",
                    "only in database: column users.created_at timestamp not null",
                    "only in generated classes: column purchases.placed_at timestamp with time zone not null",
                    "only in database: column purchases.placed_at timestamp not null"));

    @Test
    void generatedClassesMatchTheMigratedDatabase() throws SQLException {
        DatabaseSettings settings = DatabaseSettings.fromSystemProperties();
        assertThat(differences(settings)).as("jOOQ's generated classes against %s", settings.database().id())
                .containsExactlyInAnyOrderElementsOf(EXPECTED.get(settings.database().id()));
    }

    /** The differences between sql-layer's generated classes and a freshly migrated database. */
    static SortedSet<String> differences(DatabaseSettings settings) throws SQLException {
        List<Table<?>> generatedTables = DefaultSchema.DEFAULT_SCHEMA.getTables();
        Set<String> names = generatedTables.stream().map(t -> t.getName().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        try (IsolatedDatabase db = IsolatedDatabase.create(settings, "drift");
             Connection c = db.dataSource().getConnection()) {
            String schema = c.getSchema();
            String catalog = c.getCatalog();
            List<Table<?>> live = DSL.using(c).meta().getSchemas().stream()
                    .filter(s -> matches(s, schema) || matches(s, catalog))
                    .flatMap(s -> s.getTables().stream()).toList();
            SortedSet<String> generated = SchemaFacts.of(generatedTables, names);
            SortedSet<String> database = SchemaFacts.of(live, names);
            // So that an empty reading of either side cannot pass as "no difference".
            for (SortedSet<String> side : List.of(generated, database)) {
                assertThat(side).contains("primary key users(id)", "unique users(email)",
                        "foreign key purchases(user_id) -> users", "index purchases(user_id, placed_at, id)");
            }
            return SchemaFacts.diff("generated classes", generated, "database", database);
        }
    }

    private static boolean matches(Schema s, String name) {
        return name != null && s.getName().equalsIgnoreCase(name);
    }
}
