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
        HikariConfig config = new HikariConfig();
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
