package dev.fourways.declarative;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.db.Database;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import java.time.Instant;
import java.util.List;
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
 *       checks) where those features do the work: {@link #changeEmail}, {@link #addPurchase},
 *       {@link #mergeUsers}.</li>
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
 * <p>Hibernate's exceptions escape to the {@code GuardedUserStore} around this store, which reads
 * the {@code SQLException} inside them. Thread-safe: the {@link SessionFactory} is; sessions are
 * never shared.
 */
public final class HibernateUserStore implements UserStore {

    /** Rows per round trip while {@link #streamAll()} is consumed. */
    static final int STREAM_FETCH_SIZE = 500;

    private final SessionFactory sessionFactory;

    /** The {@code Connection.TRANSACTION_*} level at which {@link #page}'s two reads see one snapshot. */
    private final int snapshotIsolation;
    /** H2 gets its own claim query ({@link UserQueries#oldestPaidPurchasesOnH2}) and cancellation ({@link #CANCEL_ON_H2}). */
    private final boolean onH2;

    /** {@link StoreSettings#statementTimeoutSeconds()}: the transaction timeout of every unit of work. */
    private final int statementTimeoutSeconds;

    /**
     * @param dataSource a pool on a migrated database; never closed by this store
     * @param settings   the statement timeout, applied to queries and to the transactions' writes
     */
    public HibernateUserStore(DataSource dataSource, StoreSettings settings) {
        this.sessionFactory = buildSessionFactory(dataSource, settings);
        this.snapshotIsolation = Database.of(dataSource).snapshotIsolation();
        this.onH2 = Database.of(dataSource) == Database.H2;
        this.statementTimeoutSeconds = settings.statementTimeoutSeconds();
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
     */
    @Override
    public User create(NewUser user) {
        UserEntity entity = new UserEntity(user);
        sessionFactory.inStatelessSession(session -> session.insert(entity));
        return entity.toUser();
    }

    /**
     * {@code insertMultiple}: one JDBC batch for the list, ids from the pooled sequence (one round
     * trip per 50), in one transaction, so a duplicate anywhere rolls everything back.
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/StatelessSession.html
     */
    @Override
    public List<User> createAll(List<NewUser> users) {
        List<UserEntity> entities = users.stream().map(UserEntity::new).toList();
        inStatelessTransaction(session -> {
            session.insertMultiple(entities);
            return null;
        });
        return users(entities);
    }

    @Override
    public Optional<User> findById(long id) {
        return sessionFactory.fromStatelessSession(session ->
                Optional.ofNullable(session.get(UserEntity.class, id)).map(UserEntity::toUser));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return sessionFactory.fromStatelessSession(session ->
                UserQueries_.findByUsername(session, username).map(UserEntity::toUser));
    }

    @Override
    public long count() {
        return sessionFactory.fromStatelessSession(UserQueries_::countUsers);
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
     */
    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        return inStatelessTransaction(snapshotIsolation, session -> {
            long total = UserQueries_.countUsers(session);
            List<UserEntity> users = UserQueries_.usersByUsername(session, offsetPage(pageNumber, pageSize));
            return new Page<>(users(users), pageNumber, pageSize, total);
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
        return sessionFactory.fromStatelessSession(session -> users(afterUsername == null
                ? UserQueries_.firstUsers(session, limit)
                : UserQueries_.usersAfter(session, afterUsername, limit)));
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
        return sessionFactory.fromStatelessSession(session ->
                users(users.createQuery(session).setMaxResults(query.limit()).getResultList()));
    }

    /**
     * A stateless session, so that a million streamed rows never pile up in a persistence context,
     * and a projection straight into {@link User}, so that no entity is built per row (measured:
     * README). The session, its read-only transaction (PostgreSQL honours the fetch size only in
     * one) and its connection live until the caller closes the stream, which rolls back.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#jdbc-fetch-size
     */
    @Override
    public Stream<User> streamAll() {
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
        return inStatelessTransaction(session -> timed(session.createMutationQuery(UserQueries_.DELETE_USER_Long)
                .setParameter("id", id)) > 0);
    }

    /**
     * {@code getReference}: a proxy carrying only the id, enough to set the foreign key without
     * loading the user; a missing user is reported by the foreign key itself. In a transaction: see
     * the class Javadoc.
     */
    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        return inTransaction(session -> {
            PurchaseEntity entity = new PurchaseEntity(session.getReference(UserEntity.class, userId), purchase);
            session.persist(entity);
            session.flush();
            return entity.toPurchase(userId);
        });
    }

    /** One statement, a join fetch: no N+1, and nothing lazy left to load after the session. */
    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        return sessionFactory.fromStatelessSession(session ->
                UserQueries_.findWithPurchases(session, userId).map(HibernateUserStore::withPurchases));
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
        return sessionFactory.fromStatelessSession(session ->
                UserQueries_.pageWithPurchases(session, pageSize, offset).stream()
                        .map(HibernateUserStore::withPurchases)
                        .toList());
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
            return inStatelessTransaction(session -> timed(session.createNativeMutationQuery(CANCEL_ON_H2)
                    .setParameter("cancelled", PurchaseStatus.CANCELLED.name())
                    .setParameter("placed", PurchaseStatus.NEW.name())
                    .setParameter("paid", PurchaseStatus.PAID.name()).setParameter("cutoff", cutoff)));
        }
        return inStatelessTransaction(session -> timed(session.createMutationQuery(
                        UserQueries_.CANCEL_PURCHASES_PurchaseStatus_PurchaseStatus_PurchaseStatus_Instant)
                .setParameter("cancelled", PurchaseStatus.CANCELLED).setParameter("placed", PurchaseStatus.NEW)
                .setParameter("paid", PurchaseStatus.PAID).setParameter("cutoff", cutoff)));
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        return sessionFactory.fromStatelessSession(session ->
                UserQueries_.topSpenders(session, since, PurchaseStatus.CANCELLED, limit));
    }

    /** Four statements whatever the number of purchases, in one transaction. */
    @Override
    public User mergeUsers(long keepId, long removeId) {
        return inTransaction(session -> {
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
            // 4. "delete from users where id=? and version=?" at flush; @OnDelete means Hibernate
            //    does not look for purchases to delete.
            session.remove(remove);
            session.flush();
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
     * one retry takes the update path (as in the JDBC reference).
     */
    @Override
    public User upsert(NewUser user) {
        try {
            return upsertOnce(user);
        } catch (ConstraintViolationException e) {
            if (!isUsernameDuplicate(e)) {
                throw e;
            }
            return upsertOnce(user);
        }
    }

    private User upsertOnce(NewUser user) {
        return inStatelessTransaction(session -> {
            timed(session.createMutationQuery(UserQueries_.UPSERT_USER_String_String_String_Instant)
                    .setParameter("username", user.username()).setParameter("email", user.email())
                    .setParameter("displayName", user.displayName()).setParameter("createdAt", user.createdAt()));
            // The unique key matched another user's e-mail (MariaDB's emulation, see
            // UserQueries.upsertUser): nothing of ours was written.
            User stored = UserQueries_.findByUsername(session, user.username()).map(UserEntity::toUser)
                    .orElseThrow(() -> new DuplicateUserException(DuplicateUserException.Field.EMAIL, null));
            if (!stored.email().equalsIgnoreCase(user.email())) {
                throw new DuplicateUserException(DuplicateUserException.Field.EMAIL, null);
            }
            return stored;
        });
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
        return inStatelessTransaction(java.sql.Connection.TRANSACTION_READ_COMMITTED, session -> {
            SelectionQuery<Purchase> oldest = onH2
                    ? UserQueries_.oldestPaidPurchasesOnH2(session, PurchaseStatus.PAID, limit)
                    : UserQueries_.paidPurchases(session, PurchaseStatus.PAID).setMaxResults(limit);
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
        });
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
     */
    private int timed(org.hibernate.query.MutationQuery query) {
        return query.setTimeout(statementTimeoutSeconds).executeUpdate();
    }

    /** One stateful session and transaction; see {@link #inTransaction(SharedSessionContract, int, java.util.function.Supplier)}. */
    private <R> R inTransaction(Function<Session, R> work) {
        try (Session session = sessionFactory.openSession()) {
            return inTransaction(session, java.sql.Connection.TRANSACTION_NONE, () -> work.apply(session));
        }
    }

    /** One stateless session and transaction; see {@link #inTransaction(SharedSessionContract, int, java.util.function.Supplier)}. */
    private <R> R inStatelessTransaction(Function<StatelessSession, R> work) {
        return inStatelessTransaction(java.sql.Connection.TRANSACTION_NONE, work);
    }

    /** The same at an isolation level ({@code TRANSACTION_NONE}: the pool's default). */
    private <R> R inStatelessTransaction(int isolation, Function<StatelessSession, R> work) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            return inTransaction(session, isolation, () -> work.apply(session));
        }
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
     */
    private <R> R inTransaction(SharedSessionContract session, int isolation, java.util.function.Supplier<R> work) {
        if (isolation != java.sql.Connection.TRANSACTION_NONE) {
            session.doWork(connection -> connection.setTransactionIsolation(isolation));
        }
        Transaction transaction = session.getTransaction();
        transaction.setTimeout(statementTimeoutSeconds);
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

    /** Releases Hibernate's metadata and caches, not the caller's {@code DataSource}. */
    @Override
    public void close() {
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

    /** Copies a user and its fetched purchases while the session is still open. */
    private static UserWithPurchases withPurchases(UserEntity user) {
        long id = user.getId();
        return new UserWithPurchases(user.toUser(), user.getPurchases().stream().map(p -> p.toPurchase(id)).toList());
    }

    private static UserEntity only(List<UserEntity> users, long id) {
        return users.stream().filter(u -> u.getId() == id).findFirst()
                .orElseThrow(() -> UserNotFoundException.forId(id));
    }
}
