package dev.fourways.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the shared schema with Flyway. Every style and every test uses these migrations; no
 * style creates or alters a table.
 *
 * <p>Locations: {@code db/migration/common} holds the SQL that is the same everywhere,
 * {@code db/migration/<database>} (h2, postgresql, mariadb) what must differ.
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Migrates the database behind the pool to the latest version; does nothing if it is there.
     *
     * @return the number of migrations applied now
     */
    public static int migrate(DataSource dataSource, Database database) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + database.id())
                .failOnMissingLocations(true)
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
