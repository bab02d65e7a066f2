package dev.fourways.sqllayer;

import dev.fourways.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.SQLDialect;
import org.jooq.conf.NestedCollectionEmulation;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultTransactionProvider;

/**
 * The {@link Configuration} behind the store's {@code DSLContext}: the caller's pool, the
 * dialect, the {@link Settings} below and the {@link ExceptionTranslator}. Built once per store;
 * jOOQ borrows a connection from the pool per statement or transaction and gives it back.
 * https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/
 */
final class JooqConfiguration {

    private JooqConfiguration() {
    }

    /**
     * @param dataSource a pool on a migrated database; the configuration never closes it
     * @param database   the database behind it ({@code Database.of(dataSource)}, found once by the store)
     */
    static Configuration of(DataSource dataSource, Database database) {
        return new DefaultConfiguration()
                .set(dataSource)
                .set(dialectOf(database))
                .set(settings())
                .set(new ExceptionTranslator());
    }

    /**
     * The same configuration, except that its transactions ({@code transactionResult}) run at the
     * given JDBC isolation level; statements outside a transaction still run in autocommit at the
     * pool's default. jOOQ 3.19's transaction API takes no isolation level (transaction properties,
     * {@code org.jooq.Isolation}, came only with jOOQ issue #4836, after 3.19). For that case jOOQ's
     * maintainer points to the JDBC API underneath jOOQ's transaction SPI: "It isn't possible via the
     * jOOQ API, but it is via the JDBC API. For this, you could implement your own
     * {@code TransactionProvider} (e.g. based on the current {@code DefaultTransactionProvider}
     * implementation), and set your JDBC {@code Connection} [...]"
     * (https://github.com/jOOQ/jOOQ/issues/4836). So jOOQ's own {@link DefaultTransactionProvider}
     * runs these transactions unchanged (autocommit off, one commit or rollback, the connection
     * released at the end), over a {@link ConnectionProvider}, jOOQ's SPI for "custom Connection
     * lifecycles [...] injecting behaviour into jOOQ's internals", that sets the isolation level on
     * the connection the transaction provider acquires in {@code begin}: before
     * {@code setAutoCommit(false)}, so before the transaction starts, where JDBC defines the call.
     * https://www.jooq.org/doc/3.19/manual/sql-execution/transaction-management/
     * https://www.jooq.org/javadoc/3.19.x/org.jooq/org/jooq/ConnectionProvider.html
     *
     * <p>The level is not set back here: the pool (HikariCP) restores its default when the
     * connection is returned, as for {@code common}'s JDBC reference.
     *
     * @param isolation a {@code java.sql.Connection.TRANSACTION_*} constant
     */
    static Configuration withTransactionIsolation(Configuration configuration, int isolation) {
        ConnectionProvider pool = configuration.connectionProvider();
        ConnectionProvider atIsolation = new ConnectionProvider() {
            @Override
            public Connection acquire() {
                Connection connection = pool.acquire();
                try {
                    connection.setTransactionIsolation(isolation);
                    return connection;
                } catch (SQLException e) {
                    pool.release(connection);
                    throw new DataAccessException("cannot set the transaction isolation level to " + isolation, e);
                }
            }

            @Override
            public void release(Connection connection) {
                pool.release(connection);
            }
        };
        return configuration.derive(new DefaultTransactionProvider(atIsolation));
    }

    /**
     * Settings chosen on purpose (https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/custom-settings/):
     * <ul>
     *   <li>{@code renderQuotedNames(EXPLICIT_DEFAULT_UNQUOTED)}: the generated names (made with
     *       {@code DSL.name}) render unquoted, so each database folds {@code users} its own way
     *       (H2's unquoted DDL created {@code USERS}; a quoted {@code "users"} would not be found).
     *       Not {@code NEVER}: jOOQ's own synthetic aliases (nested records, {@code MULTISET})
     *       are made with {@code DSL.quotedName} and must stay quoted.
     *       https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/custom-settings/settings-name-style/</li>
     *   <li>{@code renderSchema(false)}, {@code renderCatalog(false)}: never a {@code PUBLIC.}
     *       prefix; each test and benchmark runs in its own schema or database, found through the
     *       connection. (The generated code has no schema anyway: {@code unqualifiedSchema=none}.)</li>
     *   <li>{@code executeLogging(false)}: no {@code LoggerListener} in the execute path
     *       (https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/custom-settings/settings-execute-logging/).</li>
     *   <li>{@code fetchWarnings(false)}: no {@code Statement.getWarnings()} call after each
     *       statement; nothing here reads warnings.</li>
     *   <li>{@code renderFormatted(false)} (the default, said aloud): compact SQL, cheapest to render.</li>
     *   <li>{@code bindOffsetDateTimeType(true)}: the {@code INSTANT} columns are bound as a JDBC
     *       {@code OffsetDateTime} at UTC instead of jOOQ's default string form
     *       {@code '2024-03-01 10:15:30.123456+00:00'}, which MariaDB's {@code DATETIME(6)}
     *       refuses; the driver, pinned to UTC, stores the wall-clock time at UTC.</li>
     *   <li>{@code renderGroupConcatMaxLenSessionVariable(false)}: on MariaDB jOOQ would prefix
     *       each MULTISET query with {@code set @@group_concat_max_len = ...;}, a second statement
     *       in one call that the driver refuses without {@code allowMultiQueries}. Instead
     *       {@code common}'s {@code Database.MARIADB} sets {@code group_concat_max_len=67108864}
     *       for every session (the driver's {@code sessionVariables}), so one user's purchases may
     *       take up to 64 MiB of JSON, not the server's default 1 MiB.</li>
     *   <li>{@code emulateMultiset(JSON)}, chosen per database by measurement (README, "Measured
     *       choices"). PostgreSQL: jOOQ 3.19's default is JSONB ({@code jsonb_agg}); {@code json_agg}
     *       measured faster, and XML slower. H2 and MariaDB: JSON is the only emulation that works
     *       there (JSONB renders the same JSON functions, neither has XML aggregation, and none of
     *       the three has a native MULTISET); it is set so the choice does not move with jOOQ's
     *       defaults. Safe: nothing compares or indexes the nested collections (what JSONB is for),
     *       the arrays have no keys for JSONB to normalise, and every value round-trips exactly
     *       ({@code numeric} amounts as JSON numbers with their scale, read as {@code BigDecimal};
     *       timestamps as ISO strings with microseconds; the contract checks both).
     *       https://www.jooq.org/doc/3.19/manual/sql-building/column-expressions/multiset-value-constructor/</li>
     * </ul>
     */
    static Settings settings() {
        return new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withRenderSchema(false)
                .withRenderCatalog(false)
                .withRenderFormatted(false)
                .withExecuteLogging(false)
                .withFetchWarnings(false)
                .withBindOffsetDateTimeType(true)
                .withRenderGroupConcatMaxLenSessionVariable(false)
                .withEmulateMultiset(NestedCollectionEmulation.JSON);
    }

    /** The jOOQ dialect for each database fourways runs on. */
    static SQLDialect dialectOf(Database database) {
        return switch (database) {
            case H2 -> SQLDialect.H2;
            case POSTGRESQL -> SQLDialect.POSTGRES;
            case MARIADB -> SQLDialect.MARIADB;
        };
    }
}
