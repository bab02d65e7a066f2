package dev.fourways.jdbc;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import javax.sql.DataSource;

/** The plain-JDBC reference passes the whole contract. */
class JdbcUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource, StoreSettings settings) {
        return new JdbcUserStoreProvider().open(dataSource, settings);
    }
}
