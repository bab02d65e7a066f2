package dev.fourways.jdbc;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import javax.sql.DataSource;

/** The plain-JDBC reference, named {@code jdbc}: the floor of every comparison. */
public final class JdbcUserStoreProvider implements UserStoreProvider {

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public UserStore newStore(DataSource dataSource, StoreSettings settings) {
        return new JdbcUserStore(dataSource, settings);
    }
}
