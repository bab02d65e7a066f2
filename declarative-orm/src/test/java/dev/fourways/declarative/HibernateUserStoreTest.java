package dev.fourways.declarative;

import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import javax.sql.DataSource;

class HibernateUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource) {
        return new HibernateUserStoreProvider().open(dataSource);
    }
}
