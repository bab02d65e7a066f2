package dev.fourways.sqllayer;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import javax.sql.DataSource;

/** The whole {@link UserStoreContract}, run against the jOOQ style. */
class JooqUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource, StoreSettings settings) {
        return new JooqUserStoreProvider().open(dataSource, settings);
    }
}
