package dev.fourways.db;

import com.zaxxer.hikari.HikariDataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh, uniquely named database for one test class or one benchmark trial, migrated and
 * pooled, dropped again on {@link #close()}: a new in-memory H2 database, a new PostgreSQL
 * schema, or a new MariaDB database on the configured server. Runs never see each other's rows.
 */
public final class IsolatedDatabase implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern MARIADB_URL = Pattern.compile("^(jdbc:(?:mariadb|mysql)://[^/?]+/)([^?;]*)(.*)$");

    private final DatabaseSettings server;
    private final DatabaseSettings isolated;
    private final String name;
    private final HikariDataSource dataSource;

    private IsolatedDatabase(DatabaseSettings server, DatabaseSettings isolated, String name, HikariDataSource dataSource) {
        this.server = server;
        this.isolated = isolated;
        this.name = name;
        this.dataSource = dataSource;
    }

    /**
     * Creates, migrates and pools a new database on the server the settings name.
     *
     * @param prefix the start of the database's name, lower-case letters only (for example {@code "test"})
     * @throws IllegalStateException when the server cannot be reached; the message names the URL
     */
    public static IsolatedDatabase create(DatabaseSettings server, String prefix) {
        return create(server, prefix, ConnectionPools.DEFAULT_CONNECTION_TIMEOUT);
    }

    /**
     * The same, with the pool's connection timeout ({@link ConnectionPools#open(DatabaseSettings, String, java.time.Duration)}).
     */
    public static IsolatedDatabase create(DatabaseSettings server, String prefix, java.time.Duration connectionTimeout) {
        if (!prefix.matches("[a-z]{1,20}")) {
            throw new IllegalArgumentException("prefix: must be 1 to 20 lower-case letters, was '" + prefix + "'");
        }
        String name = "fw_" + prefix + "_" + HexFormat.of().formatHex(RANDOM.generateSeed(6));
        DatabaseSettings isolated = server.withUrl(createOn(server, name));
        HikariDataSource pool = ConnectionPools.open(isolated, name, connectionTimeout);
        try {
            Migrations.migrate(pool, server.database());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new IsolatedDatabase(server, isolated, name, pool);
    }

    /** The pool over this database. Do not close it; {@link #close()} does. */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** The kind of database. */
    public Database database() {
        return server.database();
    }

    /** The generated name of the schema or database, {@code fw_<prefix>_<12 hex digits>}. */
    public String name() {
        return name;
    }

    /**
     * Ends every server session of this database's pool from the server's side, as a server restart,
     * a failover or an administrator would: H2's {@code ABORT_SESSION}, PostgreSQL's
     * {@code pg_terminate_backend} (the pool's sessions carry its name as {@code application_name}),
     * MariaDB's {@code KILL CONNECTION}. The pool does not know until it next uses a connection.
     * On PostgreSQL (14+) it waits up to 5 s until each session has ended, so that the very next
     * statement on it fails rather than racing the signal.
     *
     * @return how many sessions were ended
     */
    public int killConnections() {
        return switch (server.database()) {
            case H2 -> countTrue(isolated, "select abort_session(session_id) from information_schema.sessions"
                    + " where session_id <> session_id()");
            case POSTGRESQL -> countTrue(server, "select pg_terminate_backend(pid, 5000) from pg_stat_activity"
                    + " where application_name = '" + name + "' and pid <> pg_backend_pid()");
            case MARIADB -> killMariaDbSessions();
        };
    }

    /** Closes the pool and drops the schema or database. */
    @Override
    public void close() {
        // The pool first: its connections must not outlive the database. An in-memory H2
        // database (DB_CLOSE_DELAY=-1) survives its pool until told to shut down.
        dataSource.close();
        switch (server.database()) {
            case H2 -> execute(isolated, "shutdown");
            case POSTGRESQL -> execute(server, "drop schema " + name + " cascade");
            case MARIADB -> execute(server, "drop database " + name);
        }
    }

    // The name is generated above from [a-z0-9_]: DDL cannot bind identifiers, and nothing here
    // comes from a caller.
    private static String createOn(DatabaseSettings server, String name) {
        return switch (server.database()) {
            case H2 -> "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1" + h2Settings(server.url());
            case POSTGRESQL -> {
                execute(server, "create schema " + name);
                yield server.url() + (server.url().contains("?") ? "&" : "?") + "currentSchema=" + name;
            }
            case MARIADB -> {
                execute(server, "create database " + name + " character set utf8mb4 collate utf8mb4_bin");
                Matcher m = MARIADB_URL.matcher(server.url());
                if (!m.matches()) {
                    throw new IllegalArgumentException("fourways.db.url: expected jdbc:mariadb://host:port/database, was "
                            + server.url());
                }
                yield m.group(1) + name + m.group(3);
            }
        };
    }

    /**
     * The settings of an H2 URL ({@code ;KEY=VALUE} after the database name), which the new
     * database keeps, for example {@code OPTIMIZE_REUSE_RESULTS=0}; {@code DB_CLOSE_DELAY} is always -1.
     */
    static String h2Settings(String url) {
        StringBuilder settings = new StringBuilder();
        String[] parts = url.split(";");
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isBlank() && !parts[i].toUpperCase(java.util.Locale.ROOT).startsWith("DB_CLOSE_DELAY=")) {
                settings.append(';').append(parts[i]);
            }
        }
        return settings.toString();
    }

    // As above, the name is generated here, never caller input; the ids come from the server.
    private int killMariaDbSessions() {
        try (Connection c = connect(server); Statement s = c.createStatement()) {
            java.util.List<Long> ids = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("select id from information_schema.processlist"
                    + " where db = '" + name + "' and id <> connection_id()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                s.execute("kill connection " + id);
            }
            return ids.size();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot end the sessions of " + name + ": " + e.getMessage(), e);
        }
    }

    private static int countTrue(DatabaseSettings settings, String sql) {
        try (Connection c = connect(settings); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            int ended = 0;
            while (rs.next()) {
                ended += rs.getBoolean(1) ? 1 : 0;
            }
            return ended;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    private static Connection connect(DatabaseSettings settings) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", settings.user());
        properties.setProperty("password", settings.password());
        properties.putAll(settings.database().driverProperties());
        return DriverManager.getConnection(settings.url(), properties);
    }

    private static void execute(DatabaseSettings server, String ddl) {
        Properties properties = new Properties();
        properties.setProperty("user", server.user());
        properties.setProperty("password", server.password());
        properties.putAll(server.database().driverProperties());
        try (Connection c = DriverManager.getConnection(server.url(), properties);
             Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + ddl + "' on " + server.url()
                    + " (is the server running? see README): " + e.getMessage(), e);
        }
    }
}
