package dev.fourways.declarative;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import javax.sql.DataSource;

/** The Hibernate ORM / Jakarta Persistence style, named {@code hibernate}. */
public final class HibernateUserStoreProvider implements UserStoreProvider {

    @Override
    public String name() {
        return "hibernate";
    }

    /**
     * Builds one {@code SessionFactory} over the caller's pool (the expensive step: do it once),
     * with the statement timeout of {@code settings}.
     */
    @Override
    public UserStore newStore(DataSource dataSource, StoreSettings settings) {
        return new HibernateUserStore(dataSource, settings);
    }
}
