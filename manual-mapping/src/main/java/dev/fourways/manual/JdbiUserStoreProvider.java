package dev.fourways.manual;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import javax.sql.DataSource;

/** The Jdbi style with hand-written row mappers, named {@code jdbi}. */
public final class JdbiUserStoreProvider implements UserStoreProvider {

    @Override
    public String name() {
        return "jdbi";
    }

    @Override
    public UserStore newStore(DataSource dataSource, StoreSettings settings) {
        return new JdbiUserStore(dataSource, settings);
    }
}
