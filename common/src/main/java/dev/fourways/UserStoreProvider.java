package dev.fourways;

import javax.sql.DataSource;

/**
 * The plug-in point of a style: registered in {@code META-INF/services/dev.fourways.UserStoreProvider},
 * found by {@link UserStoreProviders}, so benchmarks and tools find every style by name and a new
 * style plugs in without editing a switch.
 *
 * <p>A style implements {@link #name()} and {@link #newStore}; callers use {@link #open}, which puts
 * the contract's duties ({@link GuardedUserStore}) around the style's store.
 */
public interface UserStoreProvider {

    /** The style's short name: {@code jdbc}, {@code hibernate}, {@code mybatis}, {@code jdbi}, {@code jooq}. */
    String name();

    /**
     * Builds the style's own store, holding only its library's code. Whatever the style needs (a
     * session factory, a {@code DSLContext}, ...) is built once, here. Through {@link #open}, the
     * store may assume:
     * <ul>
     *   <li>every argument is present and valid, and normalised: usernames, e-mails and the
     *       {@code listAfter} cursor in lower case, instants truncated to the microsecond
     *       ({@link dev.fourways.domain.Validation});</li>
     *   <li>{@code createAll} is never called with an empty list;</li>
     *   <li>no call comes after {@link UserStore#close()}, which is called once;</li>
     *   <li>its library's exceptions may escape: they are translated to the contract's with the
     *       {@code SQLException} they carry ({@link dev.fourways.error.SqlErrorTranslator}); a
     *       {@code StoreException} it raises itself passes through, and a {@code UserNotFoundException}
     *       from {@code addPurchase} is given the user's id;</li>
     *   <li>{@code streamAll}'s stream is read through a wrapper that translates its errors and
     *       closes it when the caller closes the wrapper.</li>
     * </ul>
     * What stays the store's own: the SQL, the transactions of the policy in {@link UserStore},
     * telling a stale version from a missing user, and releasing its connection when its stream is
     * closed.
     *
     * It also applies {@code settings}: every statement it sends carries the statement timeout, set
     * with its library's documented setting (see {@link StoreSettings}).
     *
     * @param dataSource owned by the caller; the store never closes it
     * @param settings   valid, never null
     * @return the style's store, unguarded
     */
    UserStore newStore(DataSource dataSource, StoreSettings settings);

    /**
     * Opens a store over the caller's pool, on a database already migrated with the shared schema:
     * the style's store inside a {@link GuardedUserStore}.
     *
     * @param dataSource owned by the caller; the store never closes it
     * @return a new store; the caller closes it
     * @throws IllegalArgumentException when {@code dataSource} is null
     */
    default UserStore open(DataSource dataSource) {
        return open(dataSource, StoreSettings.defaults());
    }

    /**
     * The same, with the caller's settings (a statement timeout).
     *
     * @throws IllegalArgumentException when {@code dataSource} or {@code settings} is null
     */
    default UserStore open(DataSource dataSource, StoreSettings settings) {
        dev.fourways.domain.Validation.require("dataSource", dataSource);
        dev.fourways.domain.Validation.require("settings", settings);
        return new GuardedUserStore(name(), newStore(dataSource, settings));
    }
}
