package dev.fourways.mapperxml;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import javax.sql.DataSource;

/** The whole contract, run against the MyBatis XML-mapper store. */
class MyBatisUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource, StoreSettings settings) {
        return new MyBatisUserStoreProvider().open(dataSource, settings);
    }
}
