package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.declarative.PurchaseEntity;
import dev.fourways.declarative.UserEntity;
import jakarta.persistence.EntityManagerFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * Issue 21, part 3, code first: the schema Hibernate would create from declarative-orm's entities
 * ({@code SchemaManager.create}, into an empty H2 database) against the schema the Flyway
 * migrations create on H2, both read back through JDBC's {@code DatabaseMetaData} and compared as
 * {@link SchemaFacts}. The differences must equal the list below (each explained on
 * docs/schema-change.md): a new one means the entities and the migrations have moved apart in a
 * way schema validation ({@code hbm2ddl.auto=validate}), which compares names and types only,
 * does not see. H2 only: Hibernate's export needs an empty database, which the project makes
 * only for H2 without server-specific DDL.
 */
class HibernateExportDriftTest {

    static final Set<String> EXPECTED = Set.of(
            // H2's migration doubles the length because H2 counts UTF-16 units; the entity says the
            // 100 characters PostgreSQL and MariaDB use. Validation does not compare lengths.
            "only in Hibernate export: column users.display_name varchar(100) null",
            "only in migrations: column users.display_name varchar(200) null",
            // V2__indexes.sql: indexes for the listing, lookup and top-spenders queries. The entities
            // declare no @Index: the migrations own performance, Hibernate never creates the schema.
            "only in migrations: index purchases(placed_at, status, user_id, amount)",
            "only in migrations: index purchases(user_id, placed_at, id)",
            "only in migrations: index users(created_at, id)",
            // V3__claim_index.sql (issue 19): claimPaidPurchases' FOR UPDATE SKIP LOCKED walks it.
            "only in migrations: index purchases(status, placed_at, id)");

    /** Facts both sides must have, so that an empty reading cannot pass as "no difference". */
    static final Set<String> BOTH_HAVE = Set.of("primary key users(id)", "unique users(email)",
            "unique users(username)", "foreign key purchases(user_id) -> users",
            "column purchases.amount decimal(9, 2) not null");

    @Test
    void entitiesExportTheSchemaTheMigrationsCreate() throws SQLException {
        assertThat(differences()).as("Hibernate's export against the Flyway migrations, H2")
                .containsExactlyInAnyOrderElementsOf(EXPECTED);
    }

    /** The differences between Hibernate's export of the entities and the migrated H2 database. */
    static SortedSet<String> differences() throws SQLException {
        Set<String> names = Set.of("users", "purchases");
        SortedSet<String> exported;
        JdbcDataSource empty = new JdbcDataSource();
        empty.setURL("jdbc:h2:mem:export_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        try (Connection keepAlive = empty.getConnection()) {
            try (EntityManagerFactory factory = new HibernatePersistenceConfiguration("export")
                    .managedClasses(UserEntity.class, PurchaseEntity.class)
                    .property(JdbcSettings.JAKARTA_NON_JTA_DATASOURCE, empty)
                    .createEntityManagerFactory()) {
                factory.getSchemaManager().create(true);
            }
            exported = facts(empty, names);
            keepAlive.createStatement().execute("shutdown");
        }
        try (IsolatedDatabase migrated = IsolatedDatabase.create(DatabaseSettings.from(java.util.Map.of()), "export")) {
            SortedSet<String> fromMigrations = facts(migrated.dataSource(), names);
            assertThat(exported).as("Hibernate's export, read back").containsAll(BOTH_HAVE);
            assertThat(fromMigrations).as("the migrated database, read back").containsAll(BOTH_HAVE);
            return SchemaFacts.diff("Hibernate export", exported, "migrations", fromMigrations);
        }
    }

    private static SortedSet<String> facts(DataSource ds, Set<String> names) throws SQLException {
        try (Connection c = ds.getConnection()) {
            String schema = c.getSchema();
            List<Table<?>> tables = DSL.using(c).meta(c.getMetaData()).getSchemas().stream()
                    .filter(s -> s.getName().equalsIgnoreCase(schema))
                    .flatMap(s -> s.getTables().stream()).toList();
            return SchemaFacts.of(tables, names);
        }
    }
}
