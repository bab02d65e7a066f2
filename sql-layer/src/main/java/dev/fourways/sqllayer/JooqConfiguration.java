package dev.fourways.sqllayer;

import dev.fourways.StoreSettings;
import dev.fourways.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.Configuration;
import org.jooq.ConnectionProvider;
import org.jooq.SQLDialect;
import org.jooq.TransactionContext;
import org.jooq.TransactionProvider;
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
     * @param store      the caller's settings: their statement timeout goes into {@link #settings(StoreSettings)}
     */
    static Configuration of(DataSource dataSource, Database database, StoreSettings store) {
        Configuration configuration = new DefaultConfiguration()
                .set(dataSource)
                .set(dialectOf(database))
                .set(settings(store))
                .set(new ExceptionTranslator());
        // Transactions at the pool's default isolation, with the correction described in transactions().
        return configuration.set(transactions(configuration.connectionProvider(), null));
    }

    /**
     * The same configuration without a statement timeout, for the one query that must not have
     * one: {@code streamAll}'s, which stays open while the caller reads at its own pace (MariaDB's
     * driver turns the timeout into {@code max_statement_time}, which would end a slowly read
     * stream). A per-query {@code ResultQuery.queryTimeout(0)} cannot do this: jOOQ reads 0 as "not
     * set" and falls back to {@code Settings.queryTimeout} ({@code SettingsTools.getQueryTimeout}),
     * so the setting itself is set back to 0, which jOOQ passes on as "no
     * {@code setQueryTimeout} call".
     * https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/custom-settings/settings-jdbc-flags/
     */
    static Configuration withoutStatementTimeout(Configuration configuration) {
        return configuration.deriveSettings(s -> s.withQueryTimeout(0));
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
     * Not a {@code Settings} entry either: jOOQ 3.19's {@code Settings} have no isolation level.
     * https://www.jooq.org/doc/3.19/manual/sql-execution/transaction-management/
     * https://www.jooq.org/javadoc/3.19.x/org.jooq/org/jooq/ConnectionProvider.html
     *
     * <p>The level is not set back here: the pool (HikariCP) restores its default when the
     * connection is returned, as for {@code common}'s JDBC reference.
     *
     * <p>The store's units of work ({@code JooqUserStore.inUnitOfWork}) are transactions of such
     * a configuration at READ COMMITTED, and the transactions of the operations called inside one
     * are nested in it; see {@link #transactions} for how they join it.
     *
     * @param isolation a {@code java.sql.Connection.TRANSACTION_*} constant
     */
    static Configuration withTransactionIsolation(Configuration configuration, int isolation) {
        return configuration.derive(transactions(configuration.connectionProvider(), isolation));
    }

    /**
     * jOOQ's {@link DefaultTransactionProvider} over {@code pool}, setting {@code isolation} (when
     * not null) on the connection it acquires, and with one correction: a transaction that never
     * got a connection is not rolled back. When {@code begin} fails to acquire one (the pool is
     * exhausted), {@code transactionResult} still calls {@code rollback}, and jOOQ 3.19's provider
     * then asks the pool for a connection twice more (for the ROLLBACK and to reset autocommit),
     * waiting the pool's timeout each time: the contract's
     * {@code everyOperationFailsWithAStoreExceptionWhenThePoolIsExhausted} measured 3 s for a 1 s
     * pool timeout. The rollback failures were added as suppressed, so only the wait was wrong.
     * A connection that was acquired is always rolled back and released by jOOQ as before.
     *
     * <p>Nested transactions off ({@code new DefaultTransactionProvider(connections, false)}, the
     * switch its Javadoc names: "To deactivate nested transactions, use
     * DefaultTransactionProvider(ConnectionProvider, boolean)"). Outside a unit of work nothing
     * nests, and a top-level transaction is the same either way (jOOQ 3.19 sets no savepoint for
     * it). Inside a unit, an operation's {@code transactionResult} on the unit's {@code tx.dsl()}
     * then joins the unit's transaction, like Spring's {@code PROPAGATION_REQUIRED}: no savepoint,
     * no commit of its own, no rollback (its exception reaches the unit, which rolls back). jOOQ's
     * default, savepoints ({@code NESTED}), would cost a {@code SAVEPOINT} and a
     * {@code RELEASE SAVEPOINT} round trip per operation for nothing: a failed call dooms the unit
     * anyway ({@code UserStore.inUnitOfWork}), so no operation is ever rolled back on its own.
     * https://www.jooq.org/javadoc/3.19.x/org.jooq/org/jooq/impl/DefaultTransactionProvider.html
     */
    private static TransactionProvider transactions(ConnectionProvider pool, Integer isolation) {
        ConnectionProvider connections = new ConnectionProvider() {
            @Override
            public Connection acquire() {
                Connection connection;
                try {
                    connection = pool.acquire();
                } catch (DataAccessException e) {
                    throw new NoConnection(e.getMessage(), e.getCause());
                }
                if (isolation != null) {
                    try {
                        connection.setTransactionIsolation(isolation);
                    } catch (SQLException e) {
                        pool.release(connection);
                        throw new NoConnection("cannot set the transaction isolation level to " + isolation, e);
                    }
                }
                return connection;
            }

            @Override
            public void release(Connection connection) {
                pool.release(connection);
            }
        };
        TransactionProvider jooq = new DefaultTransactionProvider(connections, false);
        return new TransactionProvider() {
            @Override
            public void begin(TransactionContext ctx) {
                try {
                    jooq.begin(ctx);
                } catch (NoConnection e) {
                    ctx.configuration().data(NoConnection.class, Boolean.TRUE);
                    throw e;
                }
            }

            @Override
            public void commit(TransactionContext ctx) {
                jooq.commit(ctx);
            }

            @Override
            public void rollback(TransactionContext ctx) {
                if (ctx.configuration().data(NoConnection.class) == null) {
                    jooq.rollback(ctx);
                }
            }
        };
    }

    /** A transaction's connection could not be had: nothing is held, so nothing is to be rolled back. */
    private static final class NoConnection extends DataAccessException {
        NoConnection(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Settings chosen on purpose (https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/custom-settings/):
     * <ul>
     *   <li>{@code queryTimeout(seconds)}: the caller's statement timeout ({@link StoreSettings}),
     *       which jOOQ passes to {@code Statement.setQueryTimeout} on every statement it prepares,
     *       batches included; the drivers turn it into a server-side cancel (pgJDBC: 57014;
     *       MariaDB Connector/J: {@code SET STATEMENT max_statement_time=N FOR ...}, error 1969).
     *       jOOQ's documented central place for JDBC's statement flags:
     *       https://www.jooq.org/doc/3.19/manual/sql-building/dsl-context/custom-settings/settings-jdbc-flags/</li>
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
    static Settings settings(StoreSettings store) {
        return new Settings()
                .withQueryTimeout(store.statementTimeoutSeconds())
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
