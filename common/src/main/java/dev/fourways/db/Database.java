package dev.fourways.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The three databases fourways runs on, and the little that differs between them outside the
 * migrations: default connection settings, driver properties, and the SQL that reserves ids.
 */
public enum Database {

    /** H2 in memory: the zero-setup default. */
    H2("h2", "jdbc:h2:mem:fourways;DB_CLOSE_DELAY=-1", "sa", Map.of(), null,
            "select next value for %s from system_range(1, ?)"),

    /**
     * PostgreSQL. {@code reWriteBatchedInserts} lets the driver send a JDBC batch of inserts as
     * multi-row inserts, which is what makes a batch cheap over the network (pgJDBC docs,
     * "Connection Parameters"). Each session runs in UTC, as on MariaDB: pgJDBC starts it in the
     * JVM's zone (no driver property overrides that), and PostgreSQL renders a
     * {@code timestamptz} as text in the session's zone, which jOOQ's {@code MULTISET} reads
     * back from JSON: 9999-12-31T23:59:59.999999Z in a zone east of UTC becomes the five-digit year
     * "10000-01-01T...", which no ISO parser reads. Binary reads ({@code OffsetDateTime}) do not
     * depend on the session's zone, so nothing else changes.
     */
    POSTGRESQL("postgresql", "jdbc:postgresql://127.0.0.1:5432/test", "postgres",
            Map.of("reWriteBatchedInserts", "true"), "set time zone 'UTC'",
            "select nextval('%s') from generate_series(1, ?)"),

    /**
     * MariaDB. {@code DATETIME(6)} has no time zone, so the connection is pinned to UTC and an
     * {@code Instant} is stored as its UTC wall-clock time, whatever the JVM's default zone
     * (MariaDB Connector/J 3.4+): {@code connectionTimeZone=UTC} and
     * {@code forceConnectionTimeZoneToSession=true} set the session's zone, and
     * {@code preserveInstants=true} makes the driver convert {@code OffsetDateTime} and
     * {@code Timestamp} values into that zone; without it they are written as wall-clock time of
     * the JVM's zone, which a round trip through the same client hides.
     * {@code group_concat_max_len} is raised from 1 MiB for the session because jOOQ emulates
     * {@code MULTISET} with {@code group_concat}/JSON on MariaDB, and a user with many purchases
     * would otherwise be cut off (jOOQ's own per-query {@code set} prefix needs multi-statement
     * calls, which the driver refuses). Batching keeps the driver's defaults on purpose: batched
     * inserts already use the bulk protocol ({@code useBulkStmtsForInserts}, on since
     * Connector/J 3.2), while {@code useBulkStmts} stays off so batched updates report exact row
     * counts, which optimistic locking needs.
     */
    MARIADB("mariadb", "jdbc:mariadb://127.0.0.1:3306/test", "root",
            Map.of("connectionTimeZone", "UTC", "forceConnectionTimeZoneToSession", "true", "preserveInstants", "true",
                    "sessionVariables", "group_concat_max_len=67108864"), null,
            "with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) select nextval(%s) from n");

    private final String id;
    private final String defaultUrl;
    private final String defaultUser;
    private final Map<String, String> driverProperties;
    private final String connectionInitSql;
    private final String nextValuesSql;

    Database(String id, String defaultUrl, String defaultUser, Map<String, String> driverProperties,
             String connectionInitSql, String nextValuesSql) {
        this.connectionInitSql = connectionInitSql;
        this.id = id;
        this.defaultUrl = defaultUrl;
        this.defaultUser = defaultUser;
        this.driverProperties = driverProperties;
        this.nextValuesSql = nextValuesSql;
    }

    /** The name used by {@code -Dfourways.db}, Flyway's vendor folder and reports: h2, postgresql, mariadb. */
    public String id() {
        return id;
    }

    /** The URL used when {@code fourways.db.url} is not set. */
    public String defaultUrl() {
        return defaultUrl;
    }

    /** The user used when {@code fourways.db.user} is not set. */
    public String defaultUser() {
        return defaultUser;
    }

    /** Driver properties the project chose on purpose for this database (see each constant). */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    /**
     * The JDBC isolation level at which every read of one transaction sees one snapshot, without
     * locking what it reads: {@code REPEATABLE READ} on PostgreSQL (its snapshot isolation) and on
     * MariaDB (InnoDB's default: "all consistent reads within the same transaction read the
     * snapshot established by the first read"), {@code SERIALIZABLE} on H2, whose
     * {@code REPEATABLE READ} still lets rows inserted meanwhile appear. READ COMMITTED, the default
     * of PostgreSQL and H2, gives each statement its own snapshot.
     *
     * @return a {@code java.sql.Connection.TRANSACTION_*} constant
     */
    public int snapshotIsolation() {
        return this == H2 ? Connection.TRANSACTION_SERIALIZABLE : Connection.TRANSACTION_REPEATABLE_READ;
    }

    /**
     * SQL the pool runs once on each new connection (HikariCP's {@code connectionInitSql}), or
     * null when the driver properties say all.
     */
    public String connectionInitSql() {
        return connectionInitSql;
    }

    /**
     * SQL that takes {@code ?} values from a sequence in one round trip, one row per value. Each
     * value v stands for the block of ids {@code v-49..v} (see {@link PooledIds}).
     *
     * @param sequence a sequence name of the shared schema ({@code users_seq}, {@code purchases_seq});
     *                 a constant of the project, never caller input
     */
    public String nextValuesSql(String sequence) {
        if (!sequence.matches("[a-z_]+")) {
            throw new IllegalArgumentException("sequence: not a schema name: " + sequence);
        }
        return nextValuesSql.formatted(sequence);
    }

    /**
     * @param id h2, postgresql or mariadb, in any case
     * @throws IllegalArgumentException naming {@code fourways.db} and the accepted values
     */
    public static Database byId(String id) {
        return Arrays.stream(values()).filter(d -> d.id.equals(id.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("fourways.db: must be one of "
                        + Arrays.stream(values()).map(Database::id).collect(Collectors.joining(", "))
                        + ", was '" + id + "'"));
    }

    /** The database behind a connection, from its product name. */
    public static Database of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            return H2;
        }
        if (product.contains("postgres")) {
            return POSTGRESQL;
        }
        if (product.contains("mariadb") || product.contains("mysql")) {
            return MARIADB;
        }
        throw new IllegalStateException("unsupported database: " + product);
    }

    /**
     * The database behind a pool; borrows one connection for a moment.
     *
     * @throws IllegalStateException when the database cannot be reached or is not one of the three
     */
    public static Database of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return of(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to detect it: " + e.getMessage(), e);
        }
    }
}
