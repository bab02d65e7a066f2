package dev.fourways.sqllayer;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import javax.sql.DataSource;

/** The jOOQ style, named {@code jooq}: SQL written in Java, type-checked against classes generated from the schema. */
public final class JooqUserStoreProvider implements UserStoreProvider {

    @Override
    public String name() {
        return "jooq";
    }

    /** The store applies {@code settings.statementTimeout()} through jOOQ's {@code Settings.queryTimeout}. */
    @Override
    public UserStore newStore(DataSource dataSource, StoreSettings settings) {
        return new JooqUserStore(dataSource, settings);
    }
}
