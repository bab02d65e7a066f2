package dev.fourways.sqllayer;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import javax.sql.DataSource;

/** The jOOQ style, named {@code jooq}: SQL written in Java, type-checked against classes generated from the schema. */
public final class JooqUserStoreProvider implements UserStoreProvider {

    @Override
    public String name() {
        return "jooq";
    }

    @Override
    public UserStore newStore(DataSource dataSource) {
        return new JooqUserStore(dataSource);
    }
}
