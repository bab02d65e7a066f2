package dev.fourways.declarative;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.db.Database;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.PurchaseNotFoundException;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SharedSessionContract;
import org.hibernate.Timeouts;
import org.hibernate.Transaction;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.jpa.HibernateHints;
import org.hibernate.jpa.SpecHints;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.BatchSettings;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.cfg.QuerySettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.query.Order;
import org.hibernate.query.SelectionQuery;
import org.hibernate.query.restriction.Restriction;
import org.hibernate.query.specification.SelectionSpecification;
import org.hibernate.tool.schema.Action;

/**
 * The Hibernate style: the mapping is declared on {@link UserEntity} and {@link PurchaseEntity},
 * the queries on {@link UserQueries} (implemented at compile time by Hibernate Processor in
 * {@code UserQueries_}), and each method is one unit of work in its own session.
 *
 * <h2>Two kinds of session, each where the Hibernate documentation places it</h2>
 * <ul>
 *   <li>A {@link StatelessSession} (no persistence context: every call is one statement, entities
 *       come back detached) for reads that only copy rows into records, for the batch insert and
 *       for bulk statements: nothing to snapshot, dirty-check or flush.
 *       https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#stateless-sessions</li>
 *   <li>A stateful {@link Session} (identity map, dirty checking, write-behind, {@code @Version}
 *       checks, cascades and orphan removal) where those features do the work: {@link #changeEmail},
 *       {@link #addPurchase}, {@link #mergeUsers}, and the aggregate writes
 *       {@link #createWithPurchases} and {@link #changePurchases}.</li>
 * </ul>
 * Each session but {@link #streamAll}'s is opened and closed by the {@code SessionFactory}'s
 * {@code fromStatelessSession} (autocommit), {@code fromStatelessTransaction} or
 * {@code fromTransaction} (one transaction), so it never outlives one call and only records leave it.
 *
 * <h2>Transactions: the contract's policy, and where Hibernate cannot follow it</h2>
 * {@link #delete}, {@link #addPurchase} and {@link #cancelPurchasesPlacedBefore} run in one
 * transaction although the policy says autocommit, because Hibernate's idiom for them refuses to
 * run without one ({@code TransactionRequiredException}, checked on Hibernate 7.4):
 * <ul>
 *   <li>a mutation query's {@code executeUpdate()} needs a transaction unless
 *       {@code hibernate.allow_update_outside_transaction} is on, a setting Hibernate marks
 *       {@code @Unsafe}; {@code StatelessSession.delete(entity)} would need the row's version, so a
 *       select first.
 *       https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/TransactionSettings.html#ALLOW_UPDATE_OUTSIDE_TRANSACTION</li>
 *   <li>a stateful flush needs one too; a stateless insert would need the user as an entity, and a
 *       {@code StatelessSession} has no {@code getReference} (loading the user would add a select).</li>
 * </ul>
 * On PostgreSQL and MariaDB each of those pays one COMMIT round trip the other styles do not.
 *
 * <h2>Unit of work: one stateful session for a whole request</h2>
 * {@link #inUnitOfWork} opens one {@link Session} and one transaction at READ COMMITTED, and hands
 * its work a store bound to that session by a private constructor (the {@link #unit} field). Each
 * method then runs on that session instead of opening its own: the four helpers {@code read},
 * {@code inTransaction} (stateful, and stateless with an isolation) and {@code mutation} make that
 * choice, so the methods differ only where Hibernate's API does ({@code persist} instead of a
 * stateless {@code insert}, {@code find} instead of {@code get}, the queries of
 * {@link UnitOfWorkQueries} instead of {@link UserQueries}). Inside a unit:
 * <ul>
 *   <li>the persistence context (first-level cache) answers a repeated {@link #findById}, and every
 *       query returns the managed instance of a user the context already holds;</li>
 *   <li>every write is flushed before its method returns, so its failure is that call's failure;</li>
 *   <li>after a statement that changes rows behind the context's back (a mutation query, the
 *       database's ON DELETE CASCADE, a purchase added to a user whose purchases the context may
 *       hold), the context is cleared ({@link #forgetLoadedEntities}), so no later read sees stale
 *       state;</li>
 *   <li>before a write that forces a user's version up ({@link #changeEmail},
 *       {@link #changePurchases}, {@link #mergeUsers}), the context is cleared too
 *       ({@link #loadAfresh}): Hibernate forces an increment at most once per transaction, the
 *       contract once per call.</li>
 * </ul>
 *
 * <p>Hibernate's exceptions escape to the {@code GuardedUserStore} around this store, which reads
 * the {@code SQLException} inside them. Thread-safe: the {@link SessionFactory} is; sessions are
 * never shared. (The store handed to a unit's work is not: it belongs to the thread running the
 * work, like its session.)
 */
public final class HibernateUserStore implements UserStore {

    /** Rows per round trip while {@link #streamAll()} is consumed. */
    static final int STREAM_FETCH_SIZE = 500;

    private final SessionFactory sessionFactory;

    /** The {@code Connection.TRANSACTION_*} level at which {@link #page}'s two reads see one snapshot. */
    private final int snapshotIsolation;
    /** H2 gets its own claim query ({@link UserQueries#oldestPaidPurchasesOnH2}) and cancellation ({@link #CANCEL_ON_H2}). */
    private final boolean onH2;

    /**
     * {@link StoreSettings#statementTimeoutSeconds()}: the query timeout of the stateless sessions'
     * queries, and the transaction timeout of each method's own transaction (not of
     * {@link #inUnitOfWork}'s, which spans a whole request).
     */
    private final int statementTimeoutSeconds;

    /**
     * The session of the unit of work this store is bound to ({@link #inUnitOfWork}), or null for the
     * store itself. Not thread-safe, like the session: it belongs to the thread running the work.
     */
    private final Session unit;

    /**
     * @param dataSource a pool on a migrated database; never closed by this store
     * @param settings   the statement timeout, applied to queries and to the transactions' writes
     */
    public HibernateUserStore(DataSource dataSource, StoreSettings settings) {
        this.sessionFactory = buildSessionFactory(dataSource, settings);
        this.snapshotIsolation = Database.of(dataSource).snapshotIsolation();
        this.onH2 = Database.of(dataSource) == Database.H2;
        this.statementTimeoutSeconds = settings.statementTimeoutSeconds();
        this.unit = null;
    }

    /** The store handed to a unit's work: the same factory and settings, every call on {@code unit}. */
    private HibernateUserStore(HibernateUserStore store, Session unit) {
        this.sessionFactory = store.sessionFactory;
        this.snapshotIsolation = store.snapshotIsolation;
        this.onH2 = store.onH2;
        this.statementTimeoutSeconds = store.statementTimeoutSeconds;
        this.unit = unit;
    }

    /**
     * Programmatic bootstrap: no persistence.xml, the dialect detected from the connection.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#configuration-api
     */
    private static SessionFactory buildSessionFactory(DataSource dataSource, StoreSettings settings) {
        return new HibernatePersistenceConfiguration("fourways")
                .managedClasses(UserEntity.class, PurchaseEntity.class)
                // The caller's pool: Hibernate borrows a connection per session and never closes the pool.
                .property(JdbcSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                // The Flyway migrations own the schema; Hibernate only checks that every mapped
                // table, column (and its type) and sequence exists, so drift fails here, at start-up.
                .schemaToolingAction(Action.VALIDATE)
                // Write-behind batching (50, the size of an id block), grouped by table so a flush
                // sends one batch per statement shape.
                // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#statement-batching
                .property(BatchSettings.STATEMENT_BATCH_SIZE, 50)
                .property(BatchSettings.ORDER_INSERTS, true)
                .property(BatchSettings.ORDER_UPDATES, true)
                // A page of a join fetch would be cut in memory after loading every row: make that
                // mistake an error instead of a log line.
                .property(QuerySettings.FAIL_ON_PAGINATION_OVER_COLLECTION_FETCH, true)
                // HQL strings are looked up in the query plan cache; a criteria query (search's
                // SelectionSpecification builds one) is translated to SQL again on every call unless
                // this is on. Its values are bound, so each shape is translated once (measured: README).
                // https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/QuerySettings.html#CRITERIA_PLAN_CACHE_ENABLED
                .property(QuerySettings.CRITERIA_PLAN_CACHE_ENABLED, true)
                // The statement timeout of every query (HQL, criteria, mutation queries, and the
                // loads behind get/find), in milliseconds as Jakarta Persistence defines it: the
                // default of the hint of the same name on every query of every session. Hibernate
                // turns it into Statement.setQueryTimeout(seconds).
                // https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/jpa/SpecHints.html#HINT_SPEC_QUERY_TIMEOUT
                // Statements Hibernate writes itself at flush (an entity's insert, update, delete,
                // version increment) are not queries: they get the transaction timeout, see
                // inTransaction.
                .property(SpecHints.HINT_SPEC_QUERY_TIMEOUT, (int) settings.statementTimeout().toMillis())
                .createEntityManagerFactory();
    }

    /**
     * One row: {@code StatelessSession.insert}, an immediate statement that Hibernate runs without
     * a transaction, so the INSERT is its own (autocommit, as the policy says). The sequence call
     * that refills the block of 50 ids, when due, is not transactional anyway.
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/StatelessSession.html#insert(java.lang.Object)
     * In a unit of work: {@link #persistInUnit}.
     */
    @Override
    public User create(NewUser user) {
        UserEntity entity = new UserEntity(user);
        if (unit != null) {
            persistInUnit(List.of(entity));
        } else {
            sessionFactory.inStatelessSession(session -> session.insert(entity));
        }
        return entity.toUser();
    }

    /**
     * {@code insertMultiple}: one JDBC batch for the list, ids from the pooled sequence (one round
     * trip per 50), in one transaction, so a duplicate anywhere rolls everything back.
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/StatelessSession.html
     * In a unit of work: {@link #persistInUnit}.
     */
    @Override
    public List<User> createAll(List<NewUser> users) {
        List<UserEntity> entities = users.stream().map(UserEntity::new).toList();
        if (unit != null) {
            persistInUnit(entities);
        } else {
            inTransaction(java.sql.Connection.TRANSACTION_NONE, session -> {
                session.insertMultiple(entities);
                return null;
            }, null); // the unit was handled above
        }
        return users(entities);
    }

    /**
     * New users join the unit's persistence context ({@code persist}) and the flush writes them at
     * once, batched as {@code insertMultiple} does (ids from the same pooled sequence): a duplicate
     * then fails this call, not a later one or the commit, and nothing is left pending.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#persistence-operations
     */
    private void persistInUnit(List<UserEntity> entities) {
        entities.forEach(unit::persist);
        unit.flush();
    }

    /**
     * On its own: a stateless {@code get}, one statement. In a unit of work: {@code Session.find},
     * which the persistence context answers without a statement when it already holds the user
     * (the first-level cache). Not {@code Session.get}, deprecated since 7.0 for {@code find}.
     * ({@code find} returns null rather than throwing after a JDBC error that marked the
     * transaction rollback-only, HHH-12472; {@link #inUnitOfWork} refuses to commit such a
     * transaction, so that "no such user" cannot hide a lost connection.)
     */
    @Override
    public Optional<User> findById(long id) {
        return Optional.ofNullable(read(session -> session.get(UserEntity.class, id),
                session -> session.find(UserEntity.class, id))).map(UserEntity::toUser);
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return read(session -> UserQueries_.findByUsername(session, username),
                session -> UnitOfWorkQueries_.findByUsername(session, username)).map(UserEntity::toUser);
    }

    @Override
    public long count() {
        return read(UserQueries_::countUsers, UnitOfWorkQueries_::countUsers);
    }

    /**
     * The count and the page in one transaction at the database's snapshot isolation
     * ({@link Database#snapshotIsolation()}), so both read the same users: under READ COMMITTED
     * (the default of PostgreSQL and H2) each statement would see the data committed when it
     * starts, and users created or deleted between the two would make the total disagree with
     * the page.
     *
     * <p>Hibernate has no per-transaction isolation level: neither {@code Transaction}, the
     * session builders nor Jakarta Persistence's {@code EntityTransaction} take one, and
     * {@code hibernate.connection.isolation} is global: it would move every session of the
     * factory, every read and write, to the stricter level. So the
     * isolation is set the way the Introduction says to reach JDBC from a session,
     * {@code doWork}: "the Connection passed to the work is the same connection being used by the
     * session". It runs before {@code fromTransaction} begins the transaction
     * ({@code setAutoCommit(false)}), as in the JDBC reference: the session keeps that connection
     * until the transaction ends, and the pool (HikariCP) restores its default isolation when the
     * connection comes back.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#jdbc
     *
     * <p>In a unit of work the two reads run in the unit's transaction, at its READ COMMITTED: the
     * isolation of a transaction cannot change once it has begun, and the contract asks for the
     * unit's level.
     */
    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        org.hibernate.query.Page page = offsetPage(pageNumber, pageSize);
        return inTransaction(snapshotIsolation, session -> {
            long total = UserQueries_.countUsers(session); // first: the snapshot is taken here
            return new Page<>(users(UserQueries_.usersByUsername(session, page)), pageNumber, pageSize, total);
        }, session -> {
            long total = UnitOfWorkQueries_.countUsers(session);
            return new Page<>(users(UnitOfWorkQueries_.usersByUsername(session, page)), pageNumber, pageSize, total);
        });
    }

    /**
     * Keyset pagination with the cursor as a plain parameter ({@code where username > :after}).
     * Hibernate's own {@code KeyedPage} is not used: the contract hands over a username rather than
     * a {@code KeyedPage}, and {@code getKeyedResultList} reads one row more than the page (to know
     * whether a next page exists) and rewrites the query for each key.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#key-based-pagination
     */
    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        return users(read(session -> afterUsername == null
                        ? UserQueries_.firstUsers(session, limit)
                        : UserQueries_.usersAfter(session, afterUsername, limit),
                session -> afterUsername == null
                        ? UnitOfWorkQueries_.firstUsers(session, limit)
                        : UnitOfWorkQueries_.usersAfter(session, afterUsername, limit)));
    }

    /**
     * The dynamic query as a {@link SelectionSpecification}: only the criteria present become
     * restrictions, each over the generated metamodel ({@code UserEntity_}), so a renamed attribute
     * is a compile error. {@code Restriction.contains} and {@code endsWith} escape {@code %} and
     * {@code _} in the text themselves. The purchase count has no {@link Restriction}, so it is a
     * criteria predicate added by {@code augment}: {@code size()} of a collection becomes a
     * correlated {@code select count(*)} subquery, no join and no group by.
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/query/specification/SelectionSpecification.html
     */
    @Override
    public List<User> search(UserQuery query) {
        var users = SelectionSpecification.create(UserEntity.class);
        query.usernameContainsOpt().ifPresent(text ->
                users.restrict(Restriction.contains(UserEntity_.username, text)));
        query.emailDomainOpt().ifPresent(domain ->
                users.restrict(Restriction.endsWith(UserEntity_.email, "@" + domain)));
        query.createdFromOpt().ifPresent(from ->
                users.restrict(Restriction.greaterThanOrEqual(UserEntity_.createdAt, from)));
        query.createdToOpt().ifPresent(to ->
                users.restrict(Restriction.lessThan(UserEntity_.createdAt, to)));
        query.minPurchasesOpt().ifPresent(min -> users.augment((cb, criteria, user) -> criteria.where(
                criteria.getRestriction(), cb.ge(cb.size(user.get(UserEntity_.purchases)), min))));
        users.resort(switch (query.sort()) {
            case USERNAME_ASC -> List.of(Order.asc(UserEntity_.username), Order.asc(UserEntity_.id));
            case CREATED_DESC -> List.of(Order.desc(UserEntity_.createdAt), Order.desc(UserEntity_.id));
        });
        // The same text twice: createQuery is overloaded per session type, resolved at compile time.
        return users(read(session -> users.createQuery(session).setMaxResults(query.limit()).getResultList(),
                session -> users.createQuery(session).setMaxResults(query.limit()).getResultList()));
    }

    /**
     * A stateless session, so that a million streamed rows never pile up in a persistence context,
     * and a projection straight into {@link User}, so that no entity is built per row (measured:
     * README). The session, its read-only transaction (PostgreSQL honours the fetch size only in
     * one) and its connection live until the caller closes the stream, which rolls back.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#jdbc-fetch-size
     *
     * <p>In a unit of work the query runs on the unit's session, in its transaction (already open,
     * so PostgreSQL streams), after the auto flush; the projection loads no entity into the
     * persistence context. Closing the stream closes its cursor only: the session and transaction
     * end with the unit, whose guard closes a stream left open before the commit.
     */
    @Override
    public Stream<User> streamAll() {
        if (unit != null) {
            return UnitOfWorkQueries_.allUsersById(unit).setFetchSize(STREAM_FETCH_SIZE).getResultStream();
        }
        StatelessSession session = sessionFactory.openStatelessSession();
        try {
            session.beginTransaction();
            return UserQueries_.allUsersById(session)
                    .setFetchSize(STREAM_FETCH_SIZE)
                    .getResultStream()
                    .onClose(() -> release(session));
        } catch (RuntimeException e) {
            try {
                release(session);
            } catch (RuntimeException onRelease) {
                // On a connection the server ended the rollback fails too ("Connection is closed");
                // the first failure says what happened (a lost connection).
                e.addSuppressed(onRelease);
            }
            throw e;
        }
    }

    private static void release(StatelessSession session) {
        try {
            if (session.getTransaction().isActive()) {
                session.getTransaction().rollback();
            }
        } finally {
            session.close();
        }
    }

    /**
     * The persistence context at work: a query loads the row into it, the setter marks it dirty, and
     * the flush writes {@code update users ... where id=? and version=?}: two statements, and the
     * optimistic lock without a line of SQL. When another transaction committed a new version
     * between the two, the update matches no row and Hibernate throws
     * {@link OptimisticLockException}.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#optimistic-and-pessimistic-locking
     */
    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        try {
            return inTransaction(session -> {
                // In a unit of work: the user afresh, so that the forced increment below happens
                // (loadAfresh).
                loadAfresh();
                // A query rather than session.find: find returns null instead of throwing when a
                // JDBC error has marked the transaction rollback-only (HHH-12472), which reported a
                // connection the server had ended as a missing user. The query throws; the entity
                // it returns is managed all the same.
                //
                // Locked as it is read (select ... for update): the read is then the statement that
                // waits for another transaction's lock, and a query carries the full statement
                // timeout, where the update written at flush gets only the whole seconds left of the
                // transaction timeout (inTransaction). The version check below is unchanged.
                UserEntity user = UserQueries_.userToChange(session, id)
                        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                        .getResultList().stream().findFirst()
                        .orElseThrow(() -> UserNotFoundException.forId(id));
                if (user.getVersion() != expectedVersion) {
                    throw new StaleUserException(id, expectedVersion, null);
                }
                if (user.getEmail().equals(newEmail)) {
                    // Dirty checking compares values: an unchanged e-mail would write nothing and
                    // keep the version. The contract says the version moves, so ask for it now:
                    // PESSIMISTIC_FORCE_INCREMENT runs "update ... set version=? where id=? and
                    // version=?" at once, where OPTIMISTIC_FORCE_INCREMENT waits for the commit,
                    // after the record below has been made with the old version.
                    session.lock(user, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
                } else {
                    user.setEmail(newEmail);
                }
                session.flush(); // the update runs now, so the record below carries the new version
                return user.toUser();
            });
        } catch (OptimisticLockException e) {
            throw new StaleUserException(id, expectedVersion, e);
        }
    }

    /**
     * A mutation query: one {@code delete from users where id=?}; the purchases go by the foreign
     * key's {@code ON DELETE CASCADE} ({@code @OnDelete}), never loaded. In a transaction: see the
     * class Javadoc.
     */
    @Override
    public boolean delete(long id) {
        return mutation(session -> timed(session.createMutationQuery(UserQueries_.DELETE_USER_Long)
                .setParameter("id", id)) > 0);
    }

    /**
     * {@code getReference}: a proxy carrying only the id, enough to set the foreign key without
     * loading the user; a missing user is reported by the foreign key itself. In a transaction: see
     * the class Javadoc.
     *
     * <p>In a unit of work the user may be in the persistence context with its purchases loaded:
     * {@code user.purchases} is the inverse side of the association, which Hibernate never updates
     * from the owning side ({@code PurchaseEntity.user}), so that list would miss the new purchase.
     * Rather than insert it by hand in {@code @OrderBy} order, the context is cleared.
     */
    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        return inTransaction(session -> {
            PurchaseEntity entity = new PurchaseEntity(session.getReference(UserEntity.class, userId), purchase);
            session.persist(entity);
            session.flush();
            forgetLoadedEntities();
            return entity.toPurchase(userId);
        });
    }

    /** One statement, a join fetch: no N+1, and nothing lazy left to load after the session. */
    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        return read(session -> UserQueries_.findWithPurchases(session, userId).map(HibernateUserStore::withPurchases),
                session -> UnitOfWorkQueries_.findWithPurchases(session, userId).map(HibernateUserStore::withPurchases));
    }

    /**
     * A graph insert by cascade: the purchases go into the new user's {@code purchases} list, each
     * pointing at the user, and one {@code persist(user)} makes the whole aggregate persistent
     * ({@code cascade = PERSIST} on {@link UserEntity}). Ids come from the pooled sequences at
     * {@code persist}, so the user's key is known before any insert; the flush writes the user's
     * insert and then the purchases' inserts in one JDBC batch per 50 ({@code hibernate.jdbc.batch_size},
     * {@code order_inserts}). One transaction: a duplicate user fails the flush and nothing is
     * written. Flushed before returning, as every write of this store, so the failure is this
     * call's also in a unit of work.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#cascade
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#statement-batching
     *
     * <p>In a unit of work the aggregate stays in the unit's persistence context as written: its
     * list holds exactly the rows stored, and a later read of the user in the unit returns this
     * managed instance with that list ({@link #withPurchases} sorts it).
     */
    @Override
    public UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases) {
        UserEntity entity = new UserEntity(user);
        purchases.forEach(p -> entity.getPurchases().add(new PurchaseEntity(entity, p)));
        return inTransaction(session -> {
            session.persist(entity);
            session.flush();
            return withPurchases(entity);
        });
    }

    /**
     * The aggregate loaded, changed in memory, and flushed: Hibernate's own way to change a
     * one-to-many relation, in the order of {@code UserStore.changePurchases}:
     * <ol>
     *   <li>the user and all of its purchases in one statement ({@code join fetch}) into the
     *       persistence context. Its version is compared with the caller's:
     *       {@link StaleUserException} before anything is written;</li>
     *   <li>every id to change or remove must be one of the loaded purchases, or
     *       {@link PurchaseNotFoundException}, also before anything is written (the transaction
     *       then rolls back having written nothing);</li>
     *   <li>{@code PESSIMISTIC_FORCE_INCREMENT}: the versioned {@code update users set version=?
     *       where id=? and version=?} at once, also when {@code changes} is empty (a write that
     *       changes nothing is a write; dirty checking alone would skip it, see
     *       {@link #changeEmail}). This is the optimistic lock and the row lock: of two writers
     *       that read the same version, the second waits here for the first to commit, then
     *       matches no row and gets {@link StaleUserException}, having written nothing. Changes to
     *       the list below do not move the version again: it is the inverse side of the
     *       association (see {@link UserEntity});</li>
     *   <li>new purchases added to the list ({@code cascade = PERSIST} at the flush), amounts and
     *       statuses set on the managed purchases (dirty checking), purchases removed from the
     *       list ({@code orphanRemoval}); the flush sends them as one JDBC batch per kind of
     *       statement and per 50 rows ({@code hibernate.jdbc.batch_size}, {@code order_inserts},
     *       {@code order_updates}).</li>
     * </ol>
     * The read is not locked {@code for update} as {@link #changeEmail}'s is: on H2 and PostgreSQL
     * Hibernate does not lock in a query with an outer join ("Locking with OUTER joins is not
     * supported", it says when follow-on locking is disallowed) and by default locks with a second,
     * follow-on {@code select ... for update}, one round trip more than the contract's budget
     * allows once the ids need a refill;
     * {@code Locking.FollowOn.IGNORE} drops the lock altogether (MariaDB alone would take
     * {@code for update} on the join). The versioned update above locks the row instead, before
     * anything else is written. The wait of a second writer is therefore in that update, which
     * (not being a query) gets the whole seconds left of the transaction timeout rather than the
     * full statement timeout ({@link #inTransaction(SharedSessionContract, int, int, java.util.function.Supplier)}),
     * as {@link #mergeUsers}' increment does.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#cascade
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#optimistic-and-pessimistic-locking
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#statement-batching
     *
     * <p>One transaction, flushed before returning. The result is the list as the persistence
     * context now holds it, sorted ({@link #withPurchases}). In a unit of work the context is
     * cleared first ({@link #loadAfresh}).
     */
    @Override
    public UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes) {
        try {
            return inTransaction(session -> {
                loadAfresh();
                UserEntity user = UserQueries_.aggregateToChange(session, userId)
                        .getResultList().stream().findFirst()
                        .orElseThrow(() -> UserNotFoundException.forId(userId));
                if (user.getVersion() != expectedVersion) {
                    throw new StaleUserException(userId, expectedVersion, null);
                }
                Map<Long, PurchaseEntity> owned = new HashMap<>();
                user.getPurchases().forEach(p -> owned.put(p.getId(), p));
                changes.change().forEach(change -> requireOwned(owned, userId, change.purchaseId()));
                changes.remove().forEach(id -> requireOwned(owned, userId, id));

                session.lock(user, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
                changes.add().forEach(p -> user.getPurchases().add(new PurchaseEntity(user, p)));
                changes.change().forEach(change -> owned.get(change.purchaseId()).change(change.amount(), change.status()));
                changes.remove().forEach(id -> user.getPurchases().remove(owned.get(id)));
                session.flush();
                return withPurchases(user);
            });
        } catch (OptimisticLockException e) {
            throw new StaleUserException(userId, expectedVersion, e);
        }
    }

    private static void requireOwned(Map<Long, PurchaseEntity> owned, long userId, long purchaseId) {
        if (!owned.containsKey(purchaseId)) {
            throw new PurchaseNotFoundException(userId, purchaseId);
        }
    }

    @Override
    public Optional<PurchaseWithUser> findPurchase(long purchaseId) {
        return read(session -> UserQueries_.findPurchase(session, purchaseId).map(HibernateUserStore::withUser),
                session -> UnitOfWorkQueries_.findPurchase(session, purchaseId).map(HibernateUserStore::withUser));
    }

    /**
     * One statement, in autocommit as the policy says: a deferred join. A limit cannot apply to a
     * join fetch (it would cut a user's purchases short), so the page is cut in a derived table
     * that selects only the page's ids in username order, and those users are joined
     * to their purchases outside it. Being one statement, it reads one snapshot on every database
     * even at READ COMMITTED: users created or deleted meanwhile can never make the answer hold
     * more than one page, a user twice, or a user that was not on the page.
     *
     * <p>It replaces two statements (the page's keys, then a join fetch over their username
     * range, filtered by id in memory), which each saw their own state: a user deleted between
     * them left the page short. Not {@code id in (:ids)} either: a list parameter makes Hibernate
     * translate the query to SQL again on every call (measured: README). This HQL is one constant
     * string with two bound parameters, so it is translated once and served by the query plan
     * cache. The subquery is what the HQL guide calls a derived root.
     * https://docs.jboss.org/hibernate/orm/7.0/querylanguage/html_single/Hibernate_Query_Language.html#derived-root
     */
    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        int offset = Math.min(pageNumber, Integer.MAX_VALUE / pageSize) * pageSize; // as offsetPage clamps it
        return read(session -> withPurchases(UserQueries_.pageWithPurchases(session, pageSize, offset)),
                session -> withPurchases(UnitOfWorkQueries_.pageWithPurchases(session, pageSize, offset)));
    }

    /**
     * The cancellation on H2, in native SQL because HQL has no index hints: H2 2.5 picks
     * purchases_status_placed_idx for {@code status in (...)} and drops the range on placed_at,
     * reading every NEW and PAID purchase (6–9 ms per call against 0.26 ms with the hint that names
     * the index on placed_at; the reference's CANCEL_ON_H2). Statuses are bound as the strings the
     * entity's {@code @Enumerated(STRING)} column holds.
     * https://docs.jboss.org/hibernate/orm/7.2/javadocs/org/hibernate/query/MutationQuery.html (createNativeMutationQuery)
     */
    private static final String CANCEL_ON_H2 = """
            update purchases set status = :cancelled
            where id in (select id from purchases use index (purchases_placed_idx)
                         where status in (:placed, :paid) and placed_at < :cutoff)""";

    /** A bulk update, nothing loaded. In a transaction: see the class Javadoc. */
    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        if (onH2) {
            return mutation(session -> timed(session.createNativeMutationQuery(CANCEL_ON_H2)
                    .setParameter("cancelled", PurchaseStatus.CANCELLED.name())
                    .setParameter("placed", PurchaseStatus.NEW.name())
                    .setParameter("paid", PurchaseStatus.PAID.name()).setParameter("cutoff", cutoff)));
        }
        return mutation(session -> timed(session.createMutationQuery(
                        UserQueries_.CANCEL_PURCHASES_PurchaseStatus_PurchaseStatus_PurchaseStatus_Instant)
                .setParameter("cancelled", PurchaseStatus.CANCELLED).setParameter("placed", PurchaseStatus.NEW)
                .setParameter("paid", PurchaseStatus.PAID).setParameter("cutoff", cutoff)));
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        return read(session -> UserQueries_.topSpenders(session, since, PurchaseStatus.CANCELLED, limit),
                session -> UnitOfWorkQueries_.topSpenders(session, since, PurchaseStatus.CANCELLED, limit));
    }

    /**
     * Five statements whatever the number of purchases, in one transaction: the four steps below
     * and the select of the removed user's (by then empty) purchases that orphan removal's
     * cascade of {@code remove()} sends (step 4).
     */
    @Override
    public User mergeUsers(long keepId, long removeId) {
        return inTransaction(session -> {
            // 0. In a unit of work: nothing loaded before, see loadAfresh.
            loadAfresh();
            // 1. Both users, locked "for update" in id order, so two merges cannot deadlock.
            List<UserEntity> both = UserQueries_.usersToMerge(session, keepId, removeId)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .getResultList();
            UserEntity keep = only(both, keepId);
            UserEntity remove = only(both, removeId);
            // 2. The kept user's version goes up now (an immediate versioned update): the merge
            //    changed what the user owns.
            session.lock(keep, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
            // 3. Move the purchases in one bulk update, before the delete below is flushed, or the
            //    database's cascade would delete them first.
            UserQueries_.movePurchases(session, keep, remove);
            // 4. "delete from users where id=? and version=?" at flush. orphanRemoval on
            //    UserEntity.purchases cascades remove() to the removed user's purchases: Hibernate
            //    loads that list (one select; empty, as the move above ran first) and has nothing
            //    to delete. Had the list been loaded before the move it would still hold the moved
            //    purchases and delete them, which is why step 0 and this order matter.
            session.remove(remove);
            session.flush();
            // 5. In a unit of work: the bulk update moved purchases behind the persistence context,
            //    whose users may hold them in their purchases lists.
            forgetLoadedEntities();
            return keep.toUser();
        });
    }

    /**
     * Hibernate has no single statement that both upserts by a natural key and returns the row:
     * {@code StatelessSession.upsert(entity)} is a SQL MERGE on the <em>primary key</em>, useless
     * when the caller has a username and no id, and HQL's insert has no {@code returning}. So the
     * upsert is the HQL {@code insert ... on conflict (username) do update} of
     * {@link UserQueries#upsertUser} (Hibernate 6.5+), then the row is read back by username: two
     * statements, in one transaction so that the row the first wrote stays locked and the second
     * reads exactly that version (in autocommit a concurrent upsert could bump it in between, and
     * the returned version would not be this call's). A mutation query needs a transaction in
     * Hibernate anyway (class Javadoc).
     * https://docs.jboss.org/hibernate/orm/7.0/querylanguage/html_single/Hibernate_Query_Language.html#insert
     *
     * <p>H2 gets Hibernate's emulation, a {@code MERGE}, which is not atomic against a concurrent
     * insert of the same username: it raises the username's duplicate, the row then exists, and the
     * one retry takes the update path (as in the JDBC reference). Not in a unit of work: the failed
     * statement has made the unit's session unusable ("a session is considered to be unusable after
     * any of its methods throws an exception", Introduction #persistence-operations), so the
     * failure dooms the unit, which the caller may run again.
     */
    @Override
    public User upsert(NewUser user) {
        try {
            return upsertOnce(user);
        } catch (ConstraintViolationException e) {
            if (unit != null || !isUsernameDuplicate(e)) {
                throw e;
            }
            return upsertOnce(user);
        }
    }

    private User upsertOnce(NewUser user) {
        return inTransaction(java.sql.Connection.TRANSACTION_NONE,
                session -> upsertRow(session, user, () -> UserQueries_.findByUsername(session, user.username())),
                session -> upsertRow(session, user, () -> UnitOfWorkQueries_.findByUsername(session, user.username())));
    }

    /** The upsert, then the row read back ({@code readBack}: the same query for either kind of session). */
    private User upsertRow(SharedSessionContract session, NewUser user, java.util.function.Supplier<Optional<UserEntity>> readBack) {
        timed(session.createMutationQuery(UserQueries_.UPSERT_USER_String_String_String_Instant)
                .setParameter("username", user.username()).setParameter("email", user.email())
                .setParameter("displayName", user.displayName()).setParameter("createdAt", user.createdAt()));
        // The unique key matched another user's e-mail (MariaDB's emulation, see
        // UserQueries.upsertUser): nothing of ours was written.
        User stored = readBack.get().map(UserEntity::toUser)
                .orElseThrow(() -> new DuplicateUserException(DuplicateUserException.Field.EMAIL, null));
        if (!stored.email().equalsIgnoreCase(user.email())) {
            throw new DuplicateUserException(DuplicateUserException.Field.EMAIL, null);
        }
        return stored;
    }

    private static boolean isUsernameDuplicate(ConstraintViolationException e) {
        return e.getKind() == ConstraintViolationException.ConstraintKind.UNIQUE
                && String.valueOf(e.getConstraintName()).toLowerCase(java.util.Locale.ROOT).contains("users_username_uk");
    }

    /**
     * A pessimistic lock that skips what others hold: {@code PESSIMISTIC_WRITE} with the lock
     * timeout {@link Timeouts#SKIP_LOCKED_MILLI} (-2), which the dialects render as
     * {@code for update skip locked}, and {@code setMaxResults} as the SQL limit. Then one mutation
     * query marks exactly the locked rows shipped. One transaction at READ COMMITTED, set before it
     * begins as in {@link #page} (MariaDB's default REPEATABLE READ made a claim wait for rows
     * another claim held instead of skipping them: {@code UserStore.claimPaidPurchases}).
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#optimistic-and-pessimistic-locking
     * https://docs.jboss.org/hibernate/orm/7.1/javadocs/org/hibernate/Timeouts.html
     */
    @Override
    public List<Purchase> claimPaidPurchases(int limit) {
        PurchaseStatus paid = PurchaseStatus.PAID;
        return inTransaction(java.sql.Connection.TRANSACTION_READ_COMMITTED, session -> claim(session, onH2
                        ? UserQueries_.oldestPaidPurchasesOnH2(session, paid, limit)
                        : UserQueries_.paidPurchases(session, paid).setMaxResults(limit)),
                session -> claim(session, onH2
                        ? UnitOfWorkQueries_.oldestPaidPurchasesOnH2(session, paid, limit)
                        : UnitOfWorkQueries_.paidPurchases(session, paid).setMaxResults(limit)));
    }

    /** Locks what {@code oldest} selects, skipping what others hold, and marks it shipped. */
    private List<Purchase> claim(SharedSessionContract session, SelectionQuery<Purchase> oldest) {
        List<Purchase> locked = oldest
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint(SpecHints.HINT_SPEC_LOCK_TIMEOUT, Timeouts.SKIP_LOCKED_MILLI)
                .setTimeout(statementTimeoutSeconds) // a stateless session: see timed()
                .getResultList();
        if (locked.isEmpty()) {
            return locked;
        }
        timed(session.createMutationQuery(UserQueries_.MARK_SHIPPED_PurchaseStatus_List)
                .setParameter("shipped", PurchaseStatus.SHIPPED)
                .setParameterList("ids", locked.stream().map(Purchase::id).toList()));
        return locked.stream()
                .map(p -> new Purchase(p.id(), p.userId(), p.amount(), PurchaseStatus.SHIPPED, p.placedAt()))
                .toList();
    }

    /**
     * Runs a mutation query of a stateless session with the statement timeout. The factory's
     * {@code jakarta.persistence.query.timeout} is applied by the stateful {@code Session} only
     * (Hibernate 7.4's {@code SessionImpl.applyQuerySettingsAndHints}; a {@code StatelessSession}
     * reads no session properties), so a stateless query needs {@code setTimeout} itself. Without
     * it the statement would get only what is left of the transaction timeout, in whole seconds
     * rounded down: a delete blocked by another transaction's lock was cancelled after 1 s of a
     * 2 s timeout (contract, PostgreSQL).
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/query/CommonQueryContract.html#setTimeout(int)
     *
     * <p>A mutation query changes rows behind the persistence context's back, so in a unit of work
     * the context then forgets what it loaded ({@link #forgetLoadedEntities}).
     */
    private int timed(org.hibernate.query.MutationQuery query) {
        int rows = query.setTimeout(statementTimeoutSeconds).executeUpdate();
        forgetLoadedEntities();
        return rows;
    }

    /**
     * In a unit of work, before a write that bumps a user's version with
     * {@code PESSIMISTIC_FORCE_INCREMENT} ({@code changeEmail}, {@code changePurchases},
     * {@code mergeUsers}): the persistence context forgets what it holds
     * ({@link #forgetLoadedEntities}), so that the method's query, which is sent either way, loads
     * the user afresh. Two reasons:
     * <ul>
     *   <li>Hibernate bumps a version by {@code lock()} at most once per transaction: {@code lock}
     *       does nothing when the entity already holds a lock mode as strong as the one asked for,
     *       and a user this session inserted or updated holds {@code LockMode.WRITE}, which (7.4.13)
     *       is as strong as {@code PESSIMISTIC_FORCE_INCREMENT} ({@code LockMode.greaterThan} is
     *       false). The contract moves the version on every call, also on the second write of a
     *       user in one unit (a unit's {@code createWithPurchases} then {@code changePurchases} then
     *       {@code mergeUsers} of that user kept version 0 without this).</li>
     *   <li>What the method changes is read as the database holds it, not as a list the context
     *       loaded earlier in the unit. For {@code mergeUsers} this matters most: its bulk update
     *       moves purchases behind the context, and orphan removal then cascades {@code remove()}
     *       of the removed user to the purchases its list holds; a list loaded before the move
     *       would still hold the moved purchases, and they would be deleted. Jakarta Persistence
     *       advises running a bulk update in a new persistence context or before loading the
     *       entities it affects: this is that.</li>
     * </ul>
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/LockMode.html
     * https://jakarta.ee/specifications/persistence/3.2/jakarta-persistence-spec-3.2 (Bulk Update and Delete Operations)
     */
    private void loadAfresh() {
        forgetLoadedEntities();
    }

    /**
     * In a unit of work, after a statement that changed rows the persistence context may hold (a
     * mutation query, the database's ON DELETE CASCADE, the inverse side of an association): flush
     * what is pending (nothing, as every write flushes, but a clear would drop it) and clear the
     * context, so that the next read loads what the database now holds instead of a stale managed
     * instance. Jakarta Persistence says of bulk updates and deletes that "the persistence context
     * is not synchronized with the result"; {@code clear()} "empties the persistence context and
     * detaches all its entities". No entity escapes this store, so detaching them loses nothing.
     * Outside a unit every session ends with its call: nothing to forget.
     * https://jakarta.ee/specifications/persistence/3.2/jakarta-persistence-spec-3.2 (Bulk Update and Delete Operations)
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#persistence-operations
     */
    private void forgetLoadedEntities() {
        if (unit != null) {
            unit.flush();
            unit.clear();
        }
    }

    /**
     * A read: on its own, {@code alone} in a stateless session, each statement in autocommit; in a
     * unit of work, {@code inUnit} on the unit's session. The two are the same query, declared once
     * per session type ({@link UserQueries}, {@link UnitOfWorkQueries}).
     */
    private <R> R read(Function<StatelessSession, R> alone, Function<Session, R> inUnit) {
        return unit != null ? inUnit.apply(unit) : sessionFactory.fromStatelessSession(alone);
    }

    /**
     * One stateful session and transaction of its own; see
     * {@link #inTransaction(SharedSessionContract, int, int, java.util.function.Supplier)}. In a unit of
     * work: the unit's session, in its transaction.
     */
    private <R> R inTransaction(Function<Session, R> work) {
        if (unit != null) {
            return work.apply(unit);
        }
        try (Session session = sessionFactory.openSession()) {
            return inTransaction(session, java.sql.Connection.TRANSACTION_NONE, statementTimeoutSeconds,
                    () -> work.apply(session));
        }
    }

    /**
     * One stateless session and transaction of its own, at an isolation level
     * ({@code TRANSACTION_NONE}: the pool's default), running {@code alone}; in a unit of work,
     * {@code inUnit} on the unit's session, in its transaction at its READ COMMITTED (a transaction's
     * isolation cannot change once it has begun). {@code inUnit} may be null where the method
     * handles the unit itself.
     */
    private <R> R inTransaction(int isolation, Function<StatelessSession, R> alone, Function<Session, R> inUnit) {
        if (unit != null) {
            return inUnit.apply(unit);
        }
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            return inTransaction(session, isolation, statementTimeoutSeconds, () -> alone.apply(session));
        }
    }

    /** A mutation query, which needs only what both kinds of session offer: in either transaction above. */
    private <R> R mutation(Function<SharedSessionContract, R> work) {
        return inTransaction(java.sql.Connection.TRANSACTION_NONE, work::apply, work::apply);
    }

    /**
     * Begins, runs, commits; rolls back on any failure. It replaces the factory's
     * {@code fromTransaction} for two reasons:
     * <ul>
     *   <li>The transaction timeout must be set before {@code begin()}: Hibernate gives every
     *       statement it prepares in the transaction {@code setQueryTimeout} of the time left, which
     *       is how the statements a flush writes (not queries, so the query timeout of the
     *       factory does not reach them) get the store's statement timeout.
     *       https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/Transaction.html#setTimeout(int)
     *       Queries keep the full query timeout: Hibernate sets it on the statement after the
     *       transaction's remainder.</li>
     *   <li>On a connection the server ended, the rollback fails too ("Connection is closed"); that
     *       second failure is added as suppressed, so the first, which says what happened (a lost
     *       connection, a timeout), is the one the caller sees.</li>
     * </ul>
     * The isolation, when given, is set the way {@link #page} explains (before the transaction
     * begins; the pool restores its default).
     *
     * @param timeoutSeconds the transaction timeout, or 0 for none (a unit of work: see {@link #inUnitOfWork})
     */
    private <R> R inTransaction(SharedSessionContract session, int isolation, int timeoutSeconds,
                                java.util.function.Supplier<R> work) {
        if (isolation != java.sql.Connection.TRANSACTION_NONE) {
            session.doWork(connection -> connection.setTransactionIsolation(isolation));
        }
        Transaction transaction = session.getTransaction();
        if (timeoutSeconds > 0) {
            transaction.setTimeout(timeoutSeconds);
        }
        transaction.begin();
        try {
            R result = work.get();
            transaction.commit();
            return result;
        } catch (RuntimeException | Error e) {
            try {
                if (transaction.isActive()) {
                    transaction.rollback();
                }
            } catch (RuntimeException onRollback) {
                e.addSuppressed(onRollback);
            }
            throw e;
        }
    }

    /**
     * One stateful {@link Session}, the request-scoped unit of work of the Introduction ("the
     * lifetime of a persistence context usually corresponds to the lifetime of a transaction"), and
     * one transaction on it, demarcated as every transaction of this store is
     * ({@link #inTransaction(SharedSessionContract, int, int, java.util.function.Supplier)}: begin,
     * commit, or roll back and rethrow the same exception). The work gets a store bound to that
     * session; the session closes, and its connection goes back to the pool, either way.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#persistence-contexts
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#managing-transactions
     *
     * <ul>
     *   <li><b>READ COMMITTED</b> on every database, set on the session's connection before the
     *       transaction begins ({@code doWork}, as {@link #page} explains; the pool restores its
     *       default). PostgreSQL and H2 are there already; MariaDB's default is REPEATABLE READ. It
     *       is set everywhere, as the JDBC reference does, rather than relying on a server's
     *       default.</li>
     *   <li><b>No transaction timeout</b>: Hibernate's is a deadline for the whole transaction, and
     *       a request may take longer than one statement may. Queries (also mutation queries and
     *       the load behind {@code find}) carry the statement timeout as on their own; the
     *       statements a flush writes (inserts, the updates of {@code changeEmail} and
     *       {@code mergeUsers}, which first lock their rows with a query, and those of
     *       {@code changePurchases}, whose version increment is the statement that may wait for
     *       another writer) have none inside a unit.</li>
     *   <li><b>One commit</b>: the methods commit nothing of their own. A transaction Hibernate
     *       marked rollback-only without throwing ({@code find} after a JDBC error, HHH-12472) is
     *       rolled back with an exception: Hibernate's {@code commit()} would roll it back silently
     *       and the unit would seem to have succeeded.</li>
     * </ul>
     *
     * @return what {@code work} returned, after the commit
     * @throws RuntimeException whatever {@code work} threw (the same instance), after the rollback;
     *                          Hibernate's exception when the commit fails
     * @throws jakarta.persistence.RollbackException when Hibernate marked the transaction rollback-only
     * @throws IllegalStateException on a store handed to a unit: units do not nest
     */
    @Override
    public <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work) {
        if (unit != null) {
            throw new IllegalStateException("units of work do not nest");
        }
        try (Session session = sessionFactory.openSession()) {
            return inTransaction(session, java.sql.Connection.TRANSACTION_READ_COMMITTED, 0, () -> {
                R result = work.apply(new HibernateUserStore(this, session));
                if (session.getTransaction().getRollbackOnly()) {
                    throw new jakarta.persistence.RollbackException(
                            "Hibernate marked the unit of work's transaction rollback-only after a failure it did not throw");
                }
                return result;
            });
        }
    }

    /**
     * Releases Hibernate's metadata and caches, not the caller's {@code DataSource}.
     *
     * @throws IllegalStateException on a store handed to a unit of work, which ends with its work
     */
    @Override
    public void close() {
        if (unit != null) {
            throw new IllegalStateException("a unit of work's store closes when its work returns");
        }
        sessionFactory.close();
    }

    /**
     * Hibernate's {@link org.hibernate.query.Page} holds an int offset. Past 2^31 rows every page
     * is empty anyway, so a deeper page number is clamped to one whose offset still fits.
     */
    private static org.hibernate.query.Page offsetPage(int pageNumber, int pageSize) {
        return org.hibernate.query.Page.page(pageSize, Math.min(pageNumber, Integer.MAX_VALUE / pageSize));
    }

    private static List<User> users(List<UserEntity> entities) {
        return entities.stream().map(UserEntity::toUser).toList();
    }

    private static List<UserWithPurchases> withPurchases(List<UserEntity> users) {
        return users.stream().map(HibernateUserStore::withPurchases).toList();
    }

    /**
     * Copies a user and its purchases while the session is still open, in
     * {@link UserWithPurchases#ORDER}. A fetched list is in that order already ({@code @OrderBy});
     * a list this store added to ({@code createWithPurchases}, {@code changePurchases}) keeps the
     * order in which it was changed, and inside a unit of work a read returns that very list.
     */
    private static UserWithPurchases withPurchases(UserEntity user) {
        long id = user.getId();
        return UserWithPurchases.sorted(user.toUser(), user.getPurchases().stream().map(p -> p.toPurchase(id)).toList());
    }

    private static PurchaseWithUser withUser(PurchaseEntity purchase) {
        UserEntity user = purchase.getUser();
        return new PurchaseWithUser(purchase.toPurchase(user.getId()), user.toUser());
    }

    private static UserEntity only(List<UserEntity> users, long id) {
        return users.stream().filter(u -> u.getId() == id).findFirst()
                .orElseThrow(() -> UserNotFoundException.forId(id));
    }
}
