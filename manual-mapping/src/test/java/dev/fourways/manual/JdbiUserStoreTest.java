package dev.fourways.manual;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import javax.sql.DataSource;

/** The whole contract, run against the Jdbi style. */
class JdbiUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource, StoreSettings settings) {
        return new JdbiUserStoreProvider().open(dataSource, settings);
    }
}
