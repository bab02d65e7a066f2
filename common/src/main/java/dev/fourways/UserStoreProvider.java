package dev.fourways;

import javax.sql.DataSource;

/**
 * The plug-in point of a style: registered in {@code META-INF/services/dev.fourways.UserStoreProvider},
 * found by {@link UserStoreProviders}, so benchmarks and tools find every style by name and a new
 * style plugs in without editing a switch.
 */
public interface UserStoreProvider {

    /** The style's short name: {@code jdbc}, {@code hibernate}, {@code mybatis}, {@code jdbi}, {@code jooq}. */
    String name();

    /**
     * Opens a store over the caller's pool, on a database already migrated with the shared schema.
     * Builds whatever the style needs (a session factory, a {@code DSLContext}, ...) once.
     *
     * @param dataSource owned by the caller; the store never closes it
     * @return a new store; the caller closes it
     */
    UserStore open(DataSource dataSource);
}
