package dev.fourways.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** HikariCP pools, configured the same way for every style, so no style gets a better pool. */
public final class ConnectionPools {

    /** Enough for the contract suite's eight concurrent threads and the benchmarks' one. */
    public static final int DEFAULT_SIZE = 10;

    private ConnectionPools() {
    }

    /**
     * A new pool over the settings' database, with the database's chosen driver properties
     * ({@link Database#driverProperties()}). The caller closes it.
     *
     * @param name shown in HikariCP's logs and thread names
     */
    public static HikariDataSource open(DatabaseSettings settings, String name) {
        return open(settings, name, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** HikariCP's own default: how long {@code getConnection()} waits for a free connection. */
    public static final java.time.Duration DEFAULT_CONNECTION_TIMEOUT = java.time.Duration.ofSeconds(30);

    /**
     * The same, with another connection timeout: how long a caller waits for a connection when
     * every one is in use before HikariCP throws {@code SQLTransientConnectionException}. Set at
     * construction: HikariCP reads it into the pool when the pool starts, so changing it later
     * through the MXBean does not shorten the wait.
     *
     * @param connectionTimeout at least 250 ms (HikariCP's minimum)
     */
    public static HikariDataSource open(DatabaseSettings settings, String name, java.time.Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setPoolName(name);
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(Integer.getInteger("fourways.db.poolSize", DEFAULT_SIZE));
        config.setMinimumIdle(1);
        settings.database().driverProperties().forEach(config::addDataSourceProperty);
        config.setConnectionInitSql(settings.database().connectionInitSql());
        if (settings.database() == Database.POSTGRESQL) {
            // Names the sessions in pg_stat_activity, so that a test can find (and end) this pool's.
            config.addDataSourceProperty("ApplicationName", name);
        }
        return new HikariDataSource(config);
    }
}
