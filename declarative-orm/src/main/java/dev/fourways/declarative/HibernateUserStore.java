package dev.fourways.declarative;

import dev.fourways.UserStore;
import dev.fourways.db.LikePatterns;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.domain.Validation;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import jakarta.persistence.LockModeType;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.BatchSettings;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.cfg.QuerySettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.tool.schema.Action;

/**
 * The Hibernate style: the mapping is declared on {@link UserEntity} and {@link PurchaseEntity},
 * Hibernate writes the SQL, and each method is one unit of work in its own session.
 *
 * <h2>Two kinds of session, each where the Hibernate documentation places it</h2>
 * <ul>
 *   <li>A stateful {@link Session} (a persistence context: identity map, dirty checking,
 *       write-behind, {@code @Version} checks) where those features do the work: {@link #changeEmail},
 *       {@link #addPurchase}, {@link #mergeUsers}.</li>
 *   <li>A {@link StatelessSession} (no persistence context: every call is one statement, entities
 *       come back detached) for reads that only copy rows into records, for the batch insert and
 *       for bulk statements: nothing to snapshot, dirty-check or flush, and a stream of a million
 *       rows never piles up in a session cache.
 *       https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#stateless-sessions</li>
 * </ul>
 * Either way the session is opened and closed inside {@code SessionFactory.fromTransaction} or its
 * stateless twin (or {@code fromStatelessSession}, in autocommit, for reads that are a single
 * statement), so the persistence context never outlives one call, and only records leave.
 *
 * <h2>Transactions: the contract's policy, and where Hibernate cannot follow it</h2>
 * Autocommit (no begin, no commit: the statement is its own transaction) for {@link #create} (one
 * {@code StatelessSession.insert}) and every read but {@link #page}; one transaction with exactly one
 * commit for {@link #createAll}, {@link #page}, {@link #changeEmail}, {@link #mergeUsers}; one
 * read-only transaction held by {@link #streamAll} while its stream is open. Three operations that
 * the policy puts in autocommit run in one transaction here, because Hibernate's idiom for them
 * refuses to run without one ({@code jakarta.persistence.TransactionRequiredException}, checked on
 * Hibernate 7.4):
 * <ul>
 *   <li>{@link #delete} and {@link #cancelPurchasesPlacedBefore} are mutation queries, and
 *       {@code executeUpdate()} outside a transaction fails ("No active transaction for update or
 *       delete query") unless {@code hibernate.allow_update_outside_transaction} is on, a setting
 *       Hibernate marks {@code @Unsafe} ("use of this setting is discouraged");
 *       {@code StatelessSession.delete(entity)} is no way out, as it needs the row's version and
 *       so a select first.
 *       https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/TransactionSettings.html#ALLOW_UPDATE_OUTSIDE_TRANSACTION</li>
 *   <li>{@link #addPurchase} persists through the persistence context, whose flush needs a
 *       transaction ("No active transaction"); a stateless insert would need the user as an
 *       entity, and a {@code StatelessSession} has no {@code getReference} (loading the user would
 *       add a select).</li>
 * </ul>
 * On PostgreSQL and MariaDB each of those pays one COMMIT round trip the other styles do not.
 *
 * <p>Thread-safe: the {@link SessionFactory} is; sessions are never shared.
 */
public final class HibernateUserStore implements UserStore {

    /** Rows per round trip while {@link #streamAll()} is consumed. */
    static final int STREAM_FETCH_SIZE = 500;

    private final SessionFactory sessionFactory;
    private volatile boolean closed;

    /**
     * Bootstraps Hibernate over the caller's pool and validates the mapping against the schema.
     *
     * @param dataSource a pool on a migrated database; never closed by this store
     * @throws org.hibernate.tool.schema.spi.SchemaManagementException when the entities and the
     *                                                                  migrations disagree
     */
    public HibernateUserStore(DataSource dataSource) {
        this.sessionFactory = buildSessionFactory(Validation.require("dataSource", dataSource));
    }

    /**
     * Programmatic bootstrap, as in the Hibernate 7 quickstart: no persistence.xml, the dialect is
     * detected from the connection.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#configuration-api
     */
    private static SessionFactory buildSessionFactory(DataSource dataSource) {
        return new HibernatePersistenceConfiguration("fourways")
                .managedClasses(UserEntity.class, PurchaseEntity.class)
                // The caller's pool: Hibernate borrows a connection per transaction and never closes the pool.
                .property(JdbcSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                // The Flyway migrations own the schema; Hibernate only checks that every mapped
                // table, column (and its type) and sequence exists, so drift fails here, at start-up.
                .schemaToolingAction(Action.VALIDATE)
                // Write-behind batching for the stateful session (50, the size of an id block),
                // grouped by table so a flush sends one batch per statement shape.
                // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#statement-batching
                .property(BatchSettings.STATEMENT_BATCH_SIZE, 50)
                .property(BatchSettings.ORDER_INSERTS, true)
                .property(BatchSettings.ORDER_UPDATES, true)
                // setMaxResults over a join fetch would page in memory after loading every row:
                // make that mistake an error instead of a log line.
                .property(QuerySettings.FAIL_ON_PAGINATION_OVER_COLLECTION_FETCH, true)
                // HQL strings are looked up in the query plan cache; criteria queries are translated
                // to SQL again on every call unless this is on. search builds the same few criteria
                // shapes with bound values, so their plans can be cached (measured: module README).
                // https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/QuerySettings.html#CRITERIA_PLAN_CACHE_ENABLED
                .property(QuerySettings.CRITERIA_PLAN_CACHE_ENABLED, true)
                .createEntityManagerFactory();
    }

    @Override
    public User create(NewUser user) {
        Validation.require("user", user);
        ensureOpen();
        UserEntity entity = new UserEntity(user);
        // One row: StatelessSession.insert() outside a transaction, so the INSERT runs in autocommit
        // as its own transaction (the policy for create). insert() is an immediate statement and,
        // unlike a mutation query or a stateful flush, Hibernate does not require a transaction for
        // it. The pooled sequence call, when the block of 50 ids is used up, is not transactional
        // anyway. No begin/commit: one COMMIT round trip fewer on PostgreSQL and MariaDB.
        // https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/StatelessSession.html#insert(java.lang.Object)
        autocommit("create", session -> session.insert(entity));
        return entity.toUser();
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        Validation.requireEach("users", users);
        ensureOpen();
        if (users.isEmpty()) {
            return List.of();
        }
        List<UserEntity> entities = users.stream().map(UserEntity::new).toList();
        // insertMultiple: one JDBC batch for the whole list (the documented way to batch in a
        // stateless session since Hibernate 7), ids from the pooled sequence (one round trip per 50),
        // all in one transaction: a duplicate anywhere rolls everything back.
        // https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/StatelessSession.html
        inStateless("createAll", session -> {
            session.insertMultiple(entities);
            return null;
        });
        return entities.stream().map(UserEntity::toUser).toList();
    }

    @Override
    public Optional<User> findById(long id) {
        ensureOpen();
        // get() by id: one select, no query to parse. In a stateless session nothing is cached or
        // snapshotted for a dirty check that could never happen.
        return autocommit("findById", session ->
                Optional.ofNullable(session.get(UserEntity.class, id)).map(UserEntity::toUser));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        String name = Validation.username("username", username);
        ensureOpen();
        // A typed HQL selection query: checked when first parsed, then served from the query plan cache.
        return autocommit("findByUsername", session -> Optional.ofNullable(
                session.createSelectionQuery("from UserEntity where username = :username", UserEntity.class)
                        .setParameter("username", name)
                        .getSingleResultOrNull())
                .map(UserEntity::toUser));
    }

    @Override
    public long count() {
        ensureOpen();
        return autocommit("count", HibernateUserStore::countUsers);
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        ensureOpen();
        return inStateless("page", session -> {
            long total = countUsers(session);
            List<User> items = session.createSelectionQuery("from UserEntity order by username", UserEntity.class)
                    .setFirstResult(firstResult(pageNumber, pageSize))
                    .setMaxResults(pageSize)
                    .getResultList().stream().map(UserEntity::toUser).toList();
            return new Page<>(items, pageNumber, pageSize, total);
        });
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        Validation.pageSize("limit", limit);
        ensureOpen();
        if (afterUsername == null) {
            return autocommit("listAfter", session -> users(
                    session.createSelectionQuery("from UserEntity order by username", UserEntity.class)
                            .setMaxResults(limit)
                            .getResultList()));
        }
        String after = afterUsername.toLowerCase(java.util.Locale.ROOT);
        return autocommit("listAfter", session -> users(
                session.createSelectionQuery("from UserEntity where username > :after order by username",
                                UserEntity.class)
                        .setParameter("after", after)
                        .setMaxResults(limit)
                        .getResultList()));
    }

    @Override
    public List<User> search(UserQuery query) {
        Validation.require("query", query);
        ensureOpen();
        return autocommit("search", session -> users(
                session.createSelectionQuery(searchCriteria(session.getCriteriaBuilder(), query))
                        .setMaxResults(query.limit())
                        .getResultList()));
    }

    /**
     * The dynamic query as a criteria query over the generated static metamodel
     * ({@code UserEntity_}): only the criteria present become predicates, every value is bound, and
     * a renamed attribute is a compile error rather than a runtime one.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#criteria-queries
     */
    private static CriteriaQuery<UserEntity> searchCriteria(HibernateCriteriaBuilder cb, UserQuery query) {
        CriteriaQuery<UserEntity> criteria = cb.createQuery(UserEntity.class);
        Root<UserEntity> user = criteria.from(UserEntity.class);
        List<Predicate> where = new ArrayList<>();
        query.usernameContainsOpt().ifPresent(text -> where.add(
                cb.like(user.get(UserEntity_.username), LikePatterns.contains(text), LikePatterns.ESCAPE)));
        query.emailDomainOpt().ifPresent(domain -> where.add(
                cb.like(user.get(UserEntity_.email), LikePatterns.endsWith("@" + domain), LikePatterns.ESCAPE)));
        query.createdFromOpt().ifPresent(from -> where.add(
                cb.greaterThanOrEqualTo(user.get(UserEntity_.createdAt), from)));
        query.createdToOpt().ifPresent(to -> where.add(
                cb.lessThan(user.get(UserEntity_.createdAt), to)));
        // size() of a collection becomes a correlated "select count(*)" subquery: no join, no group by.
        query.minPurchasesOpt().ifPresent(min -> where.add(
                cb.ge(cb.size(user.get(UserEntity_.purchases)), min)));
        criteria.where(where.toArray(Predicate[]::new));
        switch (query.sort()) {
            case USERNAME_ASC -> criteria.orderBy(cb.asc(user.get(UserEntity_.username)), cb.asc(user.get(UserEntity_.id)));
            case CREATED_DESC -> criteria.orderBy(cb.desc(user.get(UserEntity_.createdAt)), cb.desc(user.get(UserEntity_.id)));
        }
        return criteria;
    }

    @Override
    public Stream<User> streamAll() {
        ensureOpen();
        // A stateless session: a stateful one would keep every streamed entity in its persistence
        // context until it closed, a million rows in memory. The session, its transaction (which
        // PostgreSQL needs to honour the fetch size) and its connection live until the caller
        // closes the stream.
        // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#jdbc-fetch-size
        // The select list goes straight into the User record (a projection, as for topSpenders):
        // reading entities cost an entity, a temporary persistence-context entry and a lazy
        // collection wrapper per row, only to copy them into a record (measured: 2.5x jdbc on
        // PostgreSQL with entities; see the module README for the figure with the projection).
        // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#projection-lists
        StatelessSession session = sessionFactory.openStatelessSession();
        try {
            session.beginTransaction();
            return session.createSelectionQuery("""
                            select id, username, email, displayName, createdAt, version
                            from UserEntity order by id""", User.class)
                    .setFetchSize(STREAM_FETCH_SIZE)
                    .getResultStream()
                    .onClose(() -> release(session));
        } catch (RuntimeException e) {
            release(session);
            throw HibernateErrors.translate("streamAll", e);
        }
    }

    /** Ends the read-only transaction of {@link #streamAll()} and gives the connection back. */
    private static void release(StatelessSession session) {
        try {
            if (session.getTransaction().isActive()) {
                session.getTransaction().rollback();
            }
        } finally {
            session.close();
        }
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        String email = Validation.email("newEmail", newEmail);
        ensureOpen();
        try {
            // The persistence context at work: find() loads the row, the setter marks it dirty, and
            // the flush writes "update users set email=?, version=? where id=? and version=?":
            // two statements, and the optimistic lock for free.
            return sessionFactory.fromTransaction(session -> {
                UserEntity user = session.find(UserEntity.class, id);
                if (user == null) {
                    throw UserNotFoundException.forId(id);
                }
                if (user.getVersion() != expectedVersion) {
                    throw new StaleUserException(id, expectedVersion, null);
                }
                if (user.getEmail().equals(email)) {
                    // Dirty checking compares values: an unchanged e-mail would write nothing and
                    // keep the version. The contract says the version moves, so ask for it.
                    session.lock(user, LockModeType.OPTIMISTIC_FORCE_INCREMENT);
                } else {
                    user.setEmail(email);
                }
                session.flush(); // the update runs now, so the record below carries the new version
                return user.toUser();
            });
        } catch (RuntimeException e) {
            // Another transaction committed a new version between our select and our update.
            if (HibernateErrors.isOptimisticLockFailure(e)) {
                throw new StaleUserException(id, expectedVersion, e);
            }
            throw HibernateErrors.translate("changeEmail", e);
        }
    }

    @Override
    public boolean delete(long id) {
        ensureOpen();
        // A mutation query: one "delete from users where id=?". The purchases go by the foreign
        // key's ON DELETE CASCADE (declared with @OnDelete), never loaded. remove() on a managed
        // entity would first need a select. It runs in a transaction although the policy says
        // autocommit: Hibernate refuses a mutation query without one (see the class Javadoc).
        return inStateless("delete", session ->
                session.createMutationQuery("delete from UserEntity where id = :id")
                        .setParameter("id", id)
                        .executeUpdate() > 0);
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        Validation.require("purchase", purchase);
        ensureOpen();
        try {
            // In a transaction although the policy says autocommit: a stateful flush requires one
            // (see the class Javadoc).
            return inSession("addPurchase", session -> {
                // getReference(): a proxy carrying only the id, enough to set the foreign key;
                // the user is not loaded. A missing user is reported by the foreign key itself.
                PurchaseEntity entity = new PurchaseEntity(session.getReference(UserEntity.class, userId), purchase);
                session.persist(entity);
                session.flush();
                return entity.toPurchase(userId);
            });
        } catch (UserNotFoundException e) {
            throw new UserNotFoundException("no user with id " + userId, e.getCause());
        }
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        ensureOpen();
        // One statement: the user left-joined to its purchases ("left join fetch"), the purchases
        // ordered by the collection's @OrderBy. No N+1, and no lazy loading after the session.
        // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#association-fetching
        return autocommit("findWithPurchases", session -> Optional.ofNullable(
                session.createSelectionQuery(
                                "from UserEntity u left join fetch u.purchases where u.id = :id", UserEntity.class)
                        .setParameter("id", userId)
                        .getSingleResultOrNull())
                .map(HibernateUserStore::withPurchases));
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        ensureOpen();
        // Two statements. A limit cannot apply to a join fetch (it would cut a user's purchases
        // short, so Hibernate would page in memory), hence: the page's keys first, then those
        // users with their purchases in one join fetch. The second query selects the page by its
        // username range rather than "id in (:ids)": a list parameter makes Hibernate translate
        // the query to SQL again on every call (measured: over twice the cost of the range).
        // Autocommit, as the policy says: each query is its own transaction. A user created between
        // the two is filtered out below; one deleted between them is simply not on the page.
        return autocommit("pageWithPurchases", session -> {
            List<PageKey> keys = session.createSelectionQuery(
                            "select id, username from UserEntity order by username", PageKey.class)
                    .setFirstResult(firstResult(pageNumber, pageSize))
                    .setMaxResults(pageSize)
                    .getResultList();
            if (keys.isEmpty()) {
                return List.of();
            }
            Set<Long> ids = keys.stream().map(PageKey::id).collect(Collectors.toSet());
            return session.createSelectionQuery("""
                            from UserEntity u left join fetch u.purchases
                            where u.username between :first and :last
                            order by u.username""", UserEntity.class)
                    .setParameter("first", keys.get(0).username())
                    .setParameter("last", keys.get(keys.size() - 1).username())
                    .getResultList().stream()
                    .filter(u -> ids.contains(u.getId())) // a user created in between is not on this page
                    .map(HibernateUserStore::withPurchases)
                    .toList();
        });
    }

    /** The key of one row of a page: a record the selection query instantiates directly. */
    private record PageKey(long id, String username) {
    }

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        Instant before = Validation.instant("cutoff", cutoff);
        ensureOpen();
        // A bulk HQL update: one statement, nothing loaded. In a transaction although the policy
        // says autocommit: Hibernate refuses a mutation query without one (see the class Javadoc).
        // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#session-cache-management
        return inStateless("cancelPurchasesPlacedBefore", session -> session.createMutationQuery(
                        "update PurchaseEntity set status = :cancelled where status in (:new, :paid) and placedAt < :cutoff")
                .setParameter("cancelled", PurchaseStatus.CANCELLED)
                .setParameter("new", PurchaseStatus.NEW)
                .setParameter("paid", PurchaseStatus.PAID)
                .setParameter("cutoff", before)
                .executeUpdate());
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        Instant from = Validation.instant("since", since);
        Validation.pageSize("limit", limit);
        ensureOpen();
        // An aggregate is not an entity: the select list goes straight into the SpenderSummary
        // record (its canonical constructor), no entity is instantiated.
        // https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#projection-lists
        return autocommit("topSpenders", session -> session.createSelectionQuery("""
                        select u.id, u.username, count(*), sum(p.amount)
                        from PurchaseEntity p join p.user u
                        where p.placedAt >= :since and p.status <> :cancelled
                        group by u.id, u.username
                        order by sum(p.amount) desc, u.username""", SpenderSummary.class)
                .setParameter("since", from)
                .setParameter("cancelled", PurchaseStatus.CANCELLED)
                .setMaxResults(limit)
                .getResultList());
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        Validation.distinct("removeId", keepId, removeId);
        ensureOpen();
        // Four statements whatever the number of purchases, in one transaction.
        return inSession("mergeUsers", session -> {
            // 1. Both users, locked "for update" in id order (two merges cannot deadlock).
            List<UserEntity> both = session.createSelectionQuery("from UserEntity where id in (:keep, :remove) order by id",
                            UserEntity.class)
                    .setParameter("keep", keepId)
                    .setParameter("remove", removeId)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .getResultList();
            UserEntity keep = only(both, keepId);
            UserEntity remove = only(both, removeId);
            // 2. The kept user's version goes up now (an immediate versioned update): the merge
            //    changed what the user owns.
            session.lock(keep, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
            // 3. Move the purchases in one bulk update. It must run before the delete below is
            //    flushed, or the cascade would delete them first.
            session.createMutationQuery("update PurchaseEntity set user = :keep where user = :remove")
                    .setParameter("keep", keep)
                    .setParameter("remove", remove)
                    .executeUpdate();
            // 4. "delete from users where id=? and version=?" at flush; @OnDelete means Hibernate
            //    does not look for purchases to delete.
            session.remove(remove);
            session.flush();
            return keep.toUser();
        });
    }

    @Override
    public void close() {
        closed = true;
        if (sessionFactory.isOpen()) {
            sessionFactory.close(); // releases Hibernate's metadata and caches, not the DataSource
        }
    }

    // ---- plumbing: one session per call, errors translated ----

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this HibernateUserStore is closed");
        }
    }

    /**
     * A stateless session without an explicit transaction, for reads that are one statement and for
     * {@link #create}'s insert: the statement runs in the connection's autocommit, which is its own
     * transaction, as in every other style. Wrapping one SELECT in begin/commit buys nothing and costs
     * a COMMIT round trip: on PostgreSQL over loopback it made every Hibernate lookup about 57 µs
     * slower than the other styles (docs/sample-report, before this change), a difference of
     * transaction demarcation rather than of Hibernate.
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/SessionFactory.html#fromStatelessSession(java.util.function.Function)
     */
    private <R> R autocommit(String operation, Function<StatelessSession, R> work) {
        try {
            return sessionFactory.fromStatelessSession(work);
        } catch (RuntimeException e) {
            throw HibernateErrors.translate(operation, e);
        }
    }

    /** A stateless session in a transaction: committed when the work returns, rolled back if it throws. */
    private <R> R inStateless(String operation, Function<StatelessSession, R> work) {
        try {
            return sessionFactory.fromStatelessTransaction(work);
        } catch (RuntimeException e) {
            throw HibernateErrors.translate(operation, e);
        }
    }

    /** A stateful session (persistence context) in a transaction; it is closed before this returns. */
    private <R> R inSession(String operation, Function<Session, R> work) {
        try {
            return sessionFactory.fromTransaction(work);
        } catch (RuntimeException e) {
            throw HibernateErrors.translate(operation, e);
        }
    }

    private static long countUsers(StatelessSession session) {
        return session.createSelectionQuery("select count(*) from UserEntity", Long.class).getSingleResult();
    }

    /** Hibernate takes an int offset; past 2^31 rows every page is empty anyway. */
    private static int firstResult(int pageNumber, int pageSize) {
        return (int) Math.min(Page.offset(pageNumber, pageSize), Integer.MAX_VALUE);
    }

    private static List<User> users(List<UserEntity> entities) {
        return entities.stream().map(UserEntity::toUser).toList();
    }

    /** Copies a user and its fetched purchases while the session is still open. */
    private static UserWithPurchases withPurchases(UserEntity user) {
        long id = user.getId();
        return new UserWithPurchases(user.toUser(),
                user.getPurchases().stream().map(p -> p.toPurchase(id)).toList());
    }

    private static UserEntity only(List<UserEntity> users, long id) {
        return users.stream().filter(u -> u.getId() == id).findFirst()
                .orElseThrow(() -> UserNotFoundException.forId(id));
    }
}
