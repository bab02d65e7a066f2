package dev.fourways.mapperxml;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import javax.sql.DataSource;

/** The MyBatis XML-mapper style, named {@code mybatis}. */
public final class MyBatisUserStoreProvider implements UserStoreProvider {

    @Override
    public String name() {
        return "mybatis";
    }

    /**
     * Builds the store's {@code SqlSessionFactory} over the caller's pool (never closed by the
     * store), with the statement timeout of {@code settings} as MyBatis's
     * {@code defaultStatementTimeout}.
     */
    @Override
    public UserStore newStore(DataSource dataSource, StoreSettings settings) {
        return new MyBatisUserStore(dataSource, settings);
    }
}
