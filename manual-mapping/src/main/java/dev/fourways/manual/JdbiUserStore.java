package dev.fourways.manual;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.db.Database;
import dev.fourways.db.LikePatterns;
import dev.fourways.db.PooledIds;
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
import dev.fourways.error.SqlErrorTranslator;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.result.RowView;
import org.jdbi.v3.core.statement.DefinedAttributeTemplateEngine;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The Jdbi style with hand-written row mappers: the SQL written out here, the columns mapped by
 * {@link UserRowMapper}, {@link PurchaseRowMapper} and {@link SpenderSummaryRowMapper}, and Jdbi's
 * fluent API taking away the JDBC ceremony (closing, named parameters, transactions, the row loop).
 *
 * <p>Each call takes a handle (one pooled connection) and gives it back before it returns:
 * {@link Jdbi#withHandle} for one statement, in autocommit, {@link Jdbi#inTransaction} for several
 * (committed when the callback returns, rolled back when it throws), {@link #page} at the
 * database's snapshot isolation so its count and rows agree; only {@link #streamAll()}
 * keeps its handle until the stream is closed. That is {@code UserStore}'s transaction policy.
 * {@code GuardedUserStore} validates the arguments and translates Jdbi's exceptions, so nothing
 * here checks or catches (except {@link #upsert} on H2, which must tell a duplicate username to
 * retry it). Every statement but {@link #streamAll()}'s query carries the statement timeout of
 * the {@link StoreSettings}, set once in Jdbi's configuration. Thread-safe: the only mutable state is the id blocks ({@link PooledIds}).
 *
 * <p>{@link #inUnitOfWork} opens one handle in one transaction and hands its work this store bound
 * to that handle (a private constructor, as in the JDBC reference). Every method reaches the
 * database through three helpers, {@code withHandle} and the two {@code inTransaction}, which run
 * the same callback either on a handle of their own or, in a unit, on the unit's handle, where
 * they commit nothing: so no operation is written twice. A bound store belongs to its unit's
 * thread.
 */
public final class JdbiUserStore implements UserStore {

    /** The columns {@link UserRowMapper} reads by label; ends with a new line for what follows. */
    private static final String SELECT_USERS = """
            select u.id, u.username, u.email, u.display_name, u.created_at, u.version
            from users u
            """;

    /**
     * A user's columns and a purchase's, the purchase's under the {@code p_} prefix that
     * {@link PurchaseRowMapper} reads, for the joined reads; ends with a new line for the FROM.
     */
    private static final String SELECT_USERS_AND_PURCHASES = """
            select u.id, u.username, u.email, u.display_name, u.created_at, u.version,
                   p.id as p_id, p.user_id as p_user_id, p.amount as p_amount,
                   p.status as p_status, p.placed_at as p_placed_at
            """;

    private static final String INSERT_USER = """
            insert into users (id, username, email, display_name, created_at, version)
            values (:id, :username, :email, :displayName, :createdAt, 0)""";

    /** One purchase, with an id the store reserved: {@link #addPurchase}'s Update, the aggregate writes' batch. */
    private static final String INSERT_PURCHASE = """
            insert into purchases (id, user_id, amount, status, placed_at)
            values (:id, :userId, :amount, :status, :placedAt)""";

    /**
     * A user and all their purchases, one row per purchase (or one with null purchase columns),
     * in read order: {@link #findWithPurchases}, and {@link #changePurchases}' read of the aggregate.
     */
    private static final String SELECT_USER_WITH_PURCHASES = SELECT_USERS_AND_PURCHASES + """
            from users u
            left join purchases p on p.user_id = u.id
            where u.id = :id
            order by p.placed_at, p.id""";

    /** Rows fetched per round trip by {@link #streamAll()}, as in the JDBC reference. */
    static final int STREAM_FETCH_SIZE = 500;

    // Stateless mappers, one instance each for every call and thread. Passed to map(...) rather
    // than registered by type, so a reader sees which mapper runs and Jdbi looks none up.
    private static final UserRowMapper USERS = new UserRowMapper();
    private static final PurchaseRowMapper PURCHASES = new PurchaseRowMapper("p_");
    private static final SpenderSummaryRowMapper SPENDERS = new SpenderSummaryRowMapper();
    /** The claim's SELECT reads the purchases table's own columns, without a prefix. */
    private static final PurchaseRowMapper CLAIMED = new PurchaseRowMapper("");

    private final Jdbi jdbi;
    private final Database database;
    /** {@link Database#snapshotIsolation()} as Jdbi's enum, for {@link #page}. */
    private final TransactionIsolationLevel snapshot;
    private final PooledIds userIds;
    private final PooledIds purchaseIds;
    /**
     * The unit of work's handle, in its one transaction, when this store is the one
     * {@link #inUnitOfWork} hands its work; null for the store itself, which takes a handle from
     * the {@link Jdbi} per call.
     */
    private final Handle unit;

    /**
     * @param dataSource a pool on a migrated database; never closed by this store
     * @param settings   the statement timeout, put into Jdbi's {@link SqlStatements} configuration
     */
    public JdbiUserStore(DataSource dataSource, StoreSettings settings) {
        this.database = Database.of(dataSource);
        this.snapshot = TransactionIsolationLevel.valueOf(database.snapshotIsolation());
        this.jdbi = Jdbi.create(dataSource);
        // Only claimPaidPurchases' IN list uses an <attribute> template, and it picks its engine
        // itself; every other statement goes through verbatim, without the default engine's
        // lookup per statement: the one setting that measurably helped (README).
        // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/NoTemplateEngine.html
        jdbi.setTemplateEngine(new NoTemplateEngine());
        // Statements prepared as plain JDBC prepares them: MariaDB's driver reads Jdbi's default
        // prepareStatement(sql, type, concurrency) as asking for generated keys, and then sends a
        // batch row by row instead of as one bulk command (PlainStatementBuilder has the figures).
        // https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html#setStatementBuilderFactory(org.jdbi.v3.core.statement.StatementBuilderFactory)
        jdbi.setStatementBuilderFactory(connection -> new PlainStatementBuilder());
        // The statement timeout, once for every statement of every handle: Jdbi copies this
        // configuration into each Handle and each statement, and calls
        // Statement.setQueryTimeout(seconds) before executing it ("Jdbi does not implement its own
        // timeout mechanism", so the driver cancels it: pgJDBC 57014, MariaDB max_statement_time).
        // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/SqlStatements.html#setQueryTimeout(java.lang.Integer)
        jdbi.getConfig(SqlStatements.class).setQueryTimeout(settings.statementTimeoutSeconds());
        this.userIds = new PooledIds();
        this.purchaseIds = new PooledIds();
        this.unit = null;
    }

    /**
     * The same store bound to one unit of work's handle: every call runs on it, in its
     * transaction. The handle was opened from {@code store.jdbi}, so it carries the same
     * configuration (statement timeout, template engine).
     */
    private JdbiUserStore(JdbiUserStore store, Handle unit) {
        this.jdbi = store.jdbi;
        this.database = store.database;
        this.snapshot = store.snapshot;
        this.userIds = store.userIds;
        this.purchaseIds = store.purchaseIds;
        this.unit = unit;
    }

    @Override
    public User create(NewUser user) {
        // One Update (INSERT) on an autocommit handle. The id comes from the store's block of
        // reserved ids; a sequence call goes first only when the block is used up.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/Update.html
        return withHandle(h -> {
            long id = userIds.take(1, n -> nextValues(h, "users_seq", n))[0];
            bindUser(h.createUpdate(INSERT_USER), id, user).execute();
            return user.toUser(id);
        });
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        return inTransaction(h -> {
            // Ids first (one round trip per 50 users at most): MariaDB's driver returns no
            // generated keys for a sequence default, so the batch inserts ids it already knows.
            long[] ids = userIds.take(users.size(), n -> nextValues(h, "users_seq", n));
            PreparedBatch batch = h.prepareBatch(INSERT_USER);
            List<User> created = new ArrayList<>(users.size());
            for (int i = 0; i < users.size(); i++) {
                bindUser(batch, ids[i], users.get(i)).add();
                created.add(users.get(i).toUser(ids[i]));
            }
            // One JDBC batch, one executeBatch():
            // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/PreparedBatch.html
            batch.execute();
            return created;
        });
    }

    @Override
    public Optional<User> findById(long id) {
        return withHandle(h -> findUser(h, id));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return withHandle(h -> h.createQuery(SELECT_USERS + "where u.username = :username")
                .bind("username", username)
                .map(USERS)
                .findOne());
    }

    @Override
    public long count() {
        return withHandle(JdbiUserStore::countUsers);
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        // The count and the rows must see the same users, so both run in one transaction at the
        // database's snapshot isolation (REPEATABLE READ on PostgreSQL and MariaDB, SERIALIZABLE
        // on H2); under READ COMMITTED each SELECT would see what was committed when it started.
        // The level is set on the handle before its transaction begins (see inTransaction(level, ...)
        // and README, "Choices").
        // https://jdbi.org/#_transactions
        return inTransaction(snapshot, h -> {
            long total = countUsers(h);
            List<User> items = h.createQuery(SELECT_USERS + """
                            order by u.username
                            limit :limit offset :offset""")
                    .bind("limit", pageSize)
                    .bind("offset", Page.offset(pageNumber, pageSize))
                    .map(USERS)
                    .list();
            return new Page<>(items, pageNumber, pageSize, total);
        });
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        // Two fixed statements, as in the JDBC reference: Jdbi refuses a bound parameter the SQL
        // does not use, and "(:after is null or ...)" can keep a planner off the username index.
        if (afterUsername == null) {
            return withHandle(h -> h.createQuery(SELECT_USERS + "order by u.username limit :limit")
                    .bind("limit", limit)
                    .map(USERS)
                    .list());
        }
        return withHandle(h -> h.createQuery(SELECT_USERS + """
                        where u.username > :after
                        order by u.username
                        limit :limit""")
                .bind("after", afterUsername)
                .bind("limit", limit)
                .map(USERS)
                .list());
    }

    @Override
    public List<User> search(UserQuery query) {
        // Fixed fragments picked in Java, each with its named parameter, bound together by
        // bindMap: Jdbi's default template engine has no conditionals (StringTemplate 4 and
        // FreeMarker plug-ins do), and plain Java keeps every fragment in sight.
        StringJoiner where = new StringJoiner("\nand ", "where ", "\n").setEmptyValue("");
        Map<String, Object> values = new LinkedHashMap<>();
        query.usernameContainsOpt().ifPresent(s -> {
            where.add("u.username like :usernamePattern escape '!'");
            values.put("usernamePattern", LikePatterns.contains(s));
        });
        query.emailDomainOpt().ifPresent(d -> {
            where.add("u.email like :emailPattern escape '!'");
            values.put("emailPattern", LikePatterns.endsWith("@" + d));
        });
        query.createdFromOpt().ifPresent(t -> {
            where.add("u.created_at >= :createdFrom");
            values.put("createdFrom", utc(t));
        });
        query.createdToOpt().ifPresent(t -> {
            where.add("u.created_at < :createdTo");
            values.put("createdTo", utc(t));
        });
        query.minPurchasesOpt().ifPresent(n -> {
            where.add("(select count(*) from purchases p where p.user_id = u.id) >= :minPurchases");
            values.put("minPurchases", n);
        });
        String orderBy = switch (query.sort()) {
            case USERNAME_ASC -> "order by u.username, u.id";
            case CREATED_DESC -> "order by u.created_at desc, u.id desc";
        };
        values.put("limit", query.limit());
        String sql = SELECT_USERS + where + orderBy + "\nlimit :limit";
        return withHandle(h -> h.createQuery(sql).bindMap(values).map(USERS).list());
    }

    @Override
    public Stream<User> streamAll() {
        if (unit != null) {
            // Inside a unit: the unit's handle, already in its transaction, which the unit ends.
            // Closing the stream closes only the statement and the result set.
            return streamUsers(unit);
        }
        // Not jdbi.withHandle(h -> ....stream()): that closes the handle before the caller reads
        // a row. The stream ends the handle instead: Jdbi's onClose closes the statement and
        // result set, then ours rolls back (it only read) and gives the connection back.
        // PostgreSQL honours the fetch size only inside a transaction; H2 and MariaDB ignore it.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/result/ResultIterable.html#stream()
        Handle handle = jdbi.open();
        try {
            handle.begin();
            return streamUsers(handle).onClose(() -> endReading(handle));
        } catch (RuntimeException e) {
            try {
                endReading(handle);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /** Every user in id order, fetched {@link #STREAM_FETCH_SIZE} rows at a time, on a handle in a transaction. */
    private static Stream<User> streamUsers(Handle handle) {
        return handle.createQuery(SELECT_USERS + "order by u.id")
                // No statement timeout for this one query: the caller reads at its own pace,
                // and MariaDB's max_statement_time would end a stream merely read slowly
                // (StoreSettings). configure(...) changes this statement's copy of the
                // configuration only; null means "do not call setQueryTimeout".
                .configure(SqlStatements.class, c -> c.setQueryTimeout(null))
                .setFetchSize(STREAM_FETCH_SIZE)
                .map(USERS)
                .stream();
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        return inTransaction(h -> {
            // The optimistic lock is the WHERE clause: execute() returns the rows changed, 0 when
            // the version moved on or the user is gone.
            int updated = h.createUpdate("""
                            update users set email = :email, version = version + 1
                            where id = :id and version = :expectedVersion""")
                    .bind("email", newEmail)
                    .bind("id", id)
                    .bind("expectedVersion", expectedVersion)
                    .execute();
            // Read back either way (2 statements): the changed user, or which failure it was.
            Optional<User> user = findUser(h, id);
            if (updated == 0) {
                throw user.isPresent() ? new StaleUserException(id, expectedVersion, null) : UserNotFoundException.forId(id);
            }
            return user.orElseThrow();
        });
    }

    @Override
    public boolean delete(long id) {
        // The purchases go by the foreign key's ON DELETE CASCADE, never loaded.
        return withHandle(h -> h.createUpdate("delete from users where id = :id").bind("id", id).execute() > 0);
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        // A missing user is the foreign key's refusal, which the guard reports with the id.
        return withHandle(h -> {
            long id = purchaseIds.take(1, n -> nextValues(h, "purchases_seq", n))[0];
            bindPurchase(h.createUpdate(INSERT_PURCHASE), id, userId, purchase).execute();
            return purchase.toPurchase(id, userId);
        });
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        // One statement, whatever the number of purchases: the user joined to them, then folded.
        return withHandle(h -> readWithPurchases(h, userId));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction: the user's {@code INSERT} (an {@code Update}), then the purchases' in one
     * {@link PreparedBatch}, with ids from the reserved blocks (a sequence call for each block only
     * when it is used up). The result is what was written, not read back.
     */
    @Override
    public UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases) {
        // inTransaction, as createAll: all or nothing. Any exception out of the callback (a
        // duplicate username or e-mail, a failed batch) makes Jdbi roll back and rethrow it, so
        // the user is never left without the purchases given with it; one commit when it returns.
        // Inside a unit of work it runs on the unit's handle and commits nothing of its own.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html (inTransaction)
        return inTransaction(h -> {
            // The user's id from the reserved block, as create does, so the new key is known
            // before the INSERT and carried down to every child row: no generated key to read
            // back (MariaDB's driver returns none for a sequence default).
            long userId = userIds.take(1, n -> nextValues(h, "users_seq", n))[0];
            bindUser(h.createUpdate(INSERT_USER), userId, user).execute();
            List<Purchase> stored = insertPurchases(h, userId, purchases);
            // What findWithPurchases would read now: the rows just written, in its order.
            return UserWithPurchases.sorted(user.toUser(userId), stored);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction, as the JDBC reference: the version check and bump ({@code Update}), the
     * aggregate read in one joined statement folded by {@link #withPurchases} (the ownership check
     * in Java), then one {@link PreparedBatch} per kind of change (insert, update, delete), each
     * skipped when it has nothing to do. The result is computed from what was read and written.
     */
    @Override
    public UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes) {
        // inTransaction, as mergeUsers: StaleUserException, UserNotFoundException and
        // PurchaseNotFoundException thrown from the callback make Jdbi roll back everything the
        // call wrote (the version bump included) and rethrow the same exception; one commit when
        // it returns. Inside a unit of work: the unit's handle and transaction, no commit here.
        // https://jdbi.org/#_transactions
        return inTransaction(h -> {
            // 1. The optimistic lock is the UPDATE's WHERE clause: execute() returns the rows
            //    changed, 0 when the version moved on or the user is gone. The row it changed
            //    stays locked until the commit, so two calls for one user never interleave.
            //    https://jdbi.org/apidocs/org/jdbi/v3/core/statement/Update.html
            int bumped = h.createUpdate("update users set version = version + 1 where id = :id and version = :expectedVersion")
                    .bind("id", userId)
                    .bind("expectedVersion", expectedVersion)
                    .execute();
            if (bumped == 0) {
                // Only on failure, one read to tell which failure it was.
                throw findUser(h, userId).isPresent()
                        ? new StaleUserException(userId, expectedVersion, null)
                        : UserNotFoundException.forId(userId);
            }
            // 2. The aggregate as it is now (the version already bumped), in one statement, with
            //    findWithPurchases' SQL and fold: what the changes may name. Read on this handle,
            //    so inside a unit it sees the unit's earlier writes (Jdbi keeps no cache).
            UserWithPurchases current = readWithPurchases(h, userId).orElseThrow();
            // The ownership check in Java, before any purchase is written: an id that is not in
            // the user's purchases is missing or another user's, and either way refused.
            changes.firstNotAmong(current.purchases()).ifPresent(id -> {
                throw new PurchaseNotFoundException(userId, id);
            });
            // 3-6. A refill of the reserved purchase ids when needed, then one JDBC batch per kind
            //    of change. The UPDATE and DELETE name the purchase by id only: ownership is
            //    settled above, under the user's lock.
            List<Purchase> added = insertPurchases(h, userId, changes.add());
            executeBatch(h, "update purchases set amount = :amount, status = :status where id = :id",
                    changes.change(), (batch, c) -> batch
                            .bind("amount", c.amount())
                            .bind("status", c.status().name())
                            .bind("id", c.purchaseId()));
            executeBatch(h, "delete from purchases where id = :id", changes.remove(), (batch, id) -> batch.bind("id", id));
            // What the purchases are now, from what was read and what was written.
            return new UserWithPurchases(current.user(), changes.applyTo(current.purchases(), added));
        });
    }

    @Override
    public Optional<PurchaseWithUser> findPurchase(long purchaseId) {
        // One statement: the purchase joined to its user; each half of the row read by its own
        // row mapper (the purchase's columns under the p_ prefix), composed by hand.
        return withHandle(h -> h.createQuery(SELECT_USERS_AND_PURCHASES + """
                        from purchases p
                        join users u on u.id = p.user_id
                        where p.id = :id""")
                .bind("id", purchaseId)
                .map((rs, ctx) -> new PurchaseWithUser(PURCHASES.map(rs, ctx), USERS.map(rs, ctx)))
                .findOne());
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        // One statement, the JDBC reference's deferred join: the derived table picks the page's
        // ids from the username index alone (so the limit counts users, not joined rows), then
        // only those users are read whole and joined to their purchases. With "select * ... limit
        // offset" in the derived table MariaDB sorted every whole row (see README). Being one
        // statement, it reads one snapshot at any isolation: at most one page, each user once, in
        // username order while others write, with no transaction and no isolation level needed.
        return withHandle(h -> withPurchases(h.createQuery(SELECT_USERS_AND_PURCHASES + """
                        from (select id from users order by username limit :limit offset :offset) k
                        join users u on u.id = k.id
                        left join purchases p on p.user_id = u.id
                        order by u.username, p.placed_at, p.id""")
                .bind("limit", pageSize)
                .bind("offset", Page.offset(pageNumber, pageSize)))
                .toList());
    }

    /** The cancellation (PostgreSQL, MariaDB): both walk the index on placed_at to the rows before the cut-off. */
    private static final String CANCEL = """
            update purchases set status = :cancelled
            where status in (:new, :paid) and placed_at < :cutoff""";

    /**
     * The cancellation on H2, as the reference sends it (JdbcUserStore's CANCEL_ON_H2): H2 2.5
     * picks purchases_status_placed_idx for {@code status in (...)} and drops the range on
     * placed_at, reading every NEW and PAID purchase (6–9 ms per call against 0.26 ms with the
     * hint that names the index on placed_at).
     */
    private static final String CANCEL_ON_H2 = """
            update purchases set status = :cancelled
            where id in (select id from purchases use index (purchases_placed_idx)
                         where status in (:new, :paid) and placed_at < :cutoff)""";

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        return withHandle(h -> h.createUpdate(database == Database.H2 ? CANCEL_ON_H2 : CANCEL)
                .bind("cancelled", PurchaseStatus.CANCELLED.name())
                .bind("new", PurchaseStatus.NEW.name())
                .bind("paid", PurchaseStatus.PAID.name())
                .bind("cutoff", utc(cutoff))
                .execute());
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        return withHandle(h -> h.createQuery("""
                        select u.id, u.username, count(*) as purchase_count, sum(p.amount) as total
                        from purchases p
                        join users u on u.id = p.user_id
                        where p.placed_at >= :since and p.status <> :cancelled
                        group by u.id, u.username
                        order by total desc, u.username
                        limit :limit""")
                .bind("since", utc(since))
                .bind("cancelled", PurchaseStatus.CANCELLED.name())
                .bind("limit", limit)
                .map(SPENDERS)
                .list());
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        // Any exception out of the callback, ours included, makes inTransaction roll all of it back.
        return inTransaction(h -> {
            // 1. Both users must exist; lock them in id order, so two merges cannot deadlock.
            List<Long> present = h.createQuery("select id from users where id in (:keepId, :removeId) order by id for update")
                    .bind("keepId", keepId)
                    .bind("removeId", removeId)
                    .mapTo(Long.class)
                    .list();
            for (long id : new long[] {keepId, removeId}) {
                if (!present.contains(id)) {
                    throw UserNotFoundException.forId(id);
                }
            }
            // 2-4. Move the purchases in one statement, delete, bump the version.
            h.createUpdate("update purchases set user_id = :keepId where user_id = :removeId")
                    .bind("keepId", keepId)
                    .bind("removeId", removeId)
                    .execute();
            h.createUpdate("delete from users where id = :id").bind("id", removeId).execute();
            h.createUpdate("update users set version = version + 1 where id = :id").bind("id", keepId).execute();
            // 5. The kept user as it is now.
            return findUser(h, keepId).orElseThrow();
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL and MariaDB: one {@code INSERT ... RETURNING} on an autocommit handle, run as a
     * {@link Query} because it returns a row (pgJDBC and MariaDB Connector/J both give RETURNING's
     * row as a result set), mapped by {@link UserRowMapper}. H2: {@code MERGE ... USING} and the
     * read of the row in one transaction, retried once on a duplicate username (the SQL of each
     * database: {@link #upsertSql()} and {@link #mergeOnH2}).
     */
    @Override
    public User upsert(NewUser user) {
        if (database == Database.H2) {
            // H2 2.5's FINAL TABLE over MERGE keeps a change that violated users_email_uk, so H2
            // runs the plain MERGE and reads back what it wrote, in one transaction. MERGE is not
            // atomic against a concurrent insert of the same username (it raises the duplicate);
            // the row then exists, so the one retry takes the update path (UserStore.upsert).
            try {
                return inTransaction(h -> mergeOnH2(h, user));
            } catch (JdbiException e) {
                // Jdbi has no translation hook: read the SQLException in the cause chain as the
                // guard would, only to tell a duplicate username (retry) from anything else.
                if (SqlErrorTranslator.translate("upsert", e) instanceof DuplicateUserException duplicate
                        && duplicate.field() == DuplicateUserException.Field.USERNAME) {
                    return inTransaction(h -> mergeOnH2(h, user));
                }
                throw e;
            }
        }
        // Autocommit: the one statement is atomic on its own. The id comes from the column's
        // default (the sequence), so no id of the store's block is used.
        User stored = withHandle(h -> bindUpsert(h.createQuery(upsertSql()), user).map(USERS).one());
        if (!stored.username().equals(user.username())) {
            // MariaDB: ON DUPLICATE KEY UPDATE fired on users_email_uk, i.e. on another user's row,
            // which the guarded assignments left as it was; RETURNING shows that user.
            throw new DuplicateUserException(DuplicateUserException.Field.EMAIL, null);
        }
        return stored;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction at READ COMMITTED: {@code SELECT ... FOR UPDATE SKIP
     * LOCKED} mapped by {@link PurchaseRowMapper}, then one {@code UPDATE ... WHERE id IN (<ids>)}
     * with {@link SqlStatement#bindList}, skipped when nothing was locked.
     */
    /** The claim's lock, as the reference sends it: skip what others hold, then the oldest {@code :limit}. */
    private static final String CLAIM = """
            select id, user_id, amount, status, placed_at from purchases
            where status = :paid
            order by placed_at, id
            limit :limit
            for update skip locked""";

    /**
     * The claim's lock on H2, as the reference sends it (JdbcUserStore's CLAIM_ON_H2): the oldest
     * ids in a subquery H2 reads in index order, then the lock on those rows only; locking
     * {@link #CLAIM} made H2 2.5 read and sort every PAID row (26–72 ms against 1.3 ms per claim).
     */
    private static final String CLAIM_ON_H2 = """
            select id, user_id, amount, status, placed_at from purchases
            where status = :paid
              and id in (select id from purchases where status = :paid order by status, placed_at, id limit :limit)
            order by placed_at, id
            for update skip locked""";

    @Override
    public List<Purchase> claimPaidPurchases(int limit) {
        // READ COMMITTED on every database, set on the handle before the transaction begins (see
        // inTransaction(level, ...)): the default of PostgreSQL and H2, but MariaDB's REPEATABLE READ
        // adds next-key (gap) locks to what the claim reads, and a claim then waited for another
        // claim's rows instead of skipping them (UserStore.claimPaidPurchases).
        // https://jdbi.org/#_transactions
        return inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
            List<Purchase> locked = h.createQuery(database == Database.H2 ? CLAIM_ON_H2 : CLAIM)
                    .bind("paid", PurchaseStatus.PAID.name())
                    .bind("limit", limit)
                    .map(CLAIMED)
                    .list();
            if (locked.isEmpty()) {
                return locked;
            }
            // bindList binds one named parameter per id and renders their names into <ids>: a
            // feature of the DefinedAttributeTemplateEngine (Jdbi's default engine), so this one
            // statement asks for it instead of the store-wide NoTemplateEngine. The ids are still
            // bound values, never SQL text.
            // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/SqlStatement.html#bindList(java.lang.String,java.lang.Iterable)
            h.createUpdate("update purchases set status = :shipped where id in (<ids>)")
                    .setTemplateEngine(new DefinedAttributeTemplateEngine())
                    .bind("shipped", PurchaseStatus.SHIPPED.name())
                    .bindList("ids", locked.stream().map(Purchase::id).toList())
                    .execute();
            return locked.stream().map(JdbiUserStore::shipped).toList();
        });
    }

    /** A claimed purchase as the UPDATE left it. */
    private static Purchase shipped(Purchase p) {
        return new Purchase(p.id(), p.userId(), p.amount(), PurchaseStatus.SHIPPED, p.placedAt());
    }

    /**
     * H2's upsert: {@code MERGE ... USING (VALUES ...)} keyed on the username, then the row read
     * back by username, on the caller's transaction. The casts give the VALUES row the columns'
     * types (an untyped parameter would not do for the timestamp with time zone).
     */
    private static User mergeOnH2(Handle h, NewUser user) {
        bindUpsert(h.createUpdate("""
                merge into users u
                using (values (cast(:username as varchar(50)), cast(:email as varchar(120)),
                               cast(:displayName as varchar(200)), cast(:createdAt as timestamp(6) with time zone)))
                    s(username, email, display_name, created_at)
                on u.username = s.username
                when matched then update set email = s.email, display_name = s.display_name, version = u.version + 1
                when not matched then insert (username, email, display_name, created_at, version)
                    values (s.username, s.email, s.display_name, s.created_at, 0)"""), user)
                .execute();
        return h.createQuery(SELECT_USERS + "where u.username = :username")
                .bind("username", user.username())
                .map(USERS)
                .one();
    }

    /** The upsert's parameters, the same names in every database's statement. */
    private static <S extends SqlStatement<S>> S bindUpsert(S statement, NewUser user) {
        return statement.bind("username", user.username())
                .bind("email", user.email())
                .bind("displayName", user.displayName())
                .bind("createdAt", utc(user.createdAt()));
    }

    /** The one-statement upsert of PostgreSQL and MariaDB, returning the row as stored. */
    private String upsertSql() {
        String returning = "returning id, username, email, display_name, created_at, version";
        return switch (database) {
            case POSTGRESQL -> """
                    insert into users (username, email, display_name, created_at, version)
                    values (:username, :email, :displayName, :createdAt, 0)
                    on conflict (username) do update set email = excluded.email,
                        display_name = excluded.display_name, version = users.version + 1
                    """ + returning;
            // ON DUPLICATE KEY UPDATE also fires on users_email_uk: each assignment is guarded so
            // that another user's row stays as it was, and upsert sees that user in RETURNING.
            case MARIADB -> """
                    insert into users (username, email, display_name, created_at, version)
                    values (:username, :email, :displayName, :createdAt, 0)
                    on duplicate key update
                        email = if(username = values(username), values(email), email),
                        display_name = if(username = values(username), values(display_name), display_name),
                        version = if(username = values(username), version + 1, version)
                    """ + returning;
            case H2 -> throw new IllegalStateException("H2 upserts with mergeOnH2");
        };
    }

    /**
     * {@inheritDoc}
     *
     * <p>The unit is one Jdbi {@link Handle} (one pooled connection) in one local transaction:
     * {@code jdbi.open()}, {@link Handle#setTransactionIsolationLevel} to READ COMMITTED, then
     * {@link Handle#inTransaction(org.jdbi.v3.core.HandleCallback)} around {@code work}, which
     * commits once when {@code work} returns and rolls back when it throws, rethrowing the same
     * exception. {@code work} gets this store bound to the handle: every call runs on it and
     * commits nothing of its own. Jdbi has no session cache, so every read inside the unit is a
     * statement on the unit's connection and sees the unit's writes.
     *
     * @throws org.jdbi.v3.core.ConnectionException when no connection could be had
     * @throws org.jdbi.v3.core.transaction.TransactionException when the commit or rollback fails
     *         (the guard translates both)
     */
    @Override
    public <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work) {
        // jdbi.open() rather than jdbi.withHandle: withHandle also binds its handle to the thread,
        // so that nested jdbi.withHandle/inTransaction calls on that thread reuse it; then this
        // store's own calls made inside work (outside the unit) would join the unit too, and
        // page's snapshot level would clash with it. The handed store is the only way in.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html#open()
        try (Handle handle = jdbi.open()) {
            // Before the transaction starts. Not jdbi.inTransaction(READ_COMMITTED, ...): that
            // reads the connection's level six times to set it and put it back, each read a
            // SHOW TRANSACTION ISOLATION LEVEL round trip on PostgreSQL (README, "Unit of work").
            // This reads it once and sets it only where it differs (MariaDB's REPEATABLE READ);
            // the pool (HikariCP) puts its default back when the connection returns, as it does
            // for the JDBC reference.
            // https://jdbi.org/apidocs/org/jdbi/v3/core/Handle.html#setTransactionIsolationLevel(org.jdbi.v3.core.transaction.TransactionIsolationLevel)
            handle.setTransactionIsolationLevel(TransactionIsolationLevel.READ_COMMITTED);
            // Commits once when work returns; on any exception rolls back and rethrows it.
            // https://jdbi.org/apidocs/org/jdbi/v3/core/Handle.html#inTransaction(org.jdbi.v3.core.HandleCallback)
            return handle.inTransaction(h -> work.apply(new JdbiUserStore(this, h)));
        }
    }

    /** Nothing to release: a {@link Jdbi} holds configuration, no connection, and the pool is the caller's. */
    @Override
    public void close() {
    }

    // ---- helpers ----

    /**
     * One or more statements in autocommit: a pooled handle per call, or, inside a unit of work,
     * the unit's handle in its transaction.
     */
    private <T> T withHandle(HandleCallback<T, RuntimeException> callback) {
        return unit == null ? jdbi.withHandle(callback) : callback.withHandle(unit);
    }

    /**
     * Statements that must all happen or none: their own transaction (one commit, or a rollback
     * when the callback throws), or, inside a unit of work, the unit's, which commits for them.
     */
    private <T> T inTransaction(HandleCallback<T, RuntimeException> callback) {
        return unit == null ? jdbi.inTransaction(callback) : callback.withHandle(unit);
    }

    /**
     * The same at a chosen isolation level, set as {@link #inUnitOfWork} sets its own: a handle of
     * its own ({@code jdbi.open()}), {@link Handle#setTransactionIsolationLevel} before the
     * transaction begins, then {@link Handle#inTransaction}; HikariCP puts the pool's level back
     * when the connection returns. Not Jdbi's one-call overload {@code jdbi.inTransaction(level,
     * callback)}: on PostgreSQL it reads the level six times (a {@code SHOW TRANSACTION ISOLATION
     * LEVEL} round trip each) to set it and to put it back, 8 round trips for a one-select
     * transaction against 3 (README, "Unit of work"). Inside a unit of work: the unit's level (READ
     * COMMITTED), since a transaction's level cannot change once it has begun.
     * https://jdbi.org/apidocs/org/jdbi/v3/core/Handle.html#setTransactionIsolationLevel(org.jdbi.v3.core.transaction.TransactionIsolationLevel)
     */
    private <T> T inTransaction(TransactionIsolationLevel level, HandleCallback<T, RuntimeException> callback) {
        if (unit != null) {
            return callback.withHandle(unit);
        }
        try (Handle handle = jdbi.open()) {
            handle.setTransactionIsolationLevel(level);
            return handle.inTransaction(callback);
        }
    }

    /** The INSERT_USER parameters, for one {@code Update} or one row of a {@link PreparedBatch}. */
    private static <S extends SqlStatement<S>> S bindUser(S statement, long id, NewUser user) {
        return statement.bind("id", id)
                .bind("username", user.username())
                .bind("email", user.email())
                .bind("displayName", user.displayName())
                .bind("createdAt", utc(user.createdAt()));
    }

    /** A purchase's INSERT_PURCHASE parameters, for one {@code Update} or one row of a {@link PreparedBatch}. */
    private static <S extends SqlStatement<S>> S bindPurchase(S statement, long id, long userId, NewPurchase purchase) {
        return statement.bind("id", id)
                .bind("userId", userId)
                .bind("amount", purchase.amount())
                .bind("status", purchase.status().name())
                .bind("placedAt", utc(purchase.placedAt()));
    }

    /**
     * Inserts one user's new purchases in one {@link PreparedBatch}, with ids from the reserved
     * block (one sequence call when the block runs out, whatever the count); none for an empty list.
     *
     * @return the stored purchases, in the input's order
     */
    private List<Purchase> insertPurchases(Handle h, long userId, List<NewPurchase> purchases) {
        if (purchases.isEmpty()) {
            return List.of();
        }
        long[] ids = purchaseIds.take(purchases.size(), n -> nextValues(h, "purchases_seq", n));
        // As createAll: one binding per purchase, one executeBatch() (see executeBatch).
        PreparedBatch batch = h.prepareBatch(INSERT_PURCHASE);
        List<Purchase> stored = new ArrayList<>(purchases.size());
        for (int i = 0; i < purchases.size(); i++) {
            bindPurchase(batch, ids[i], userId, purchases.get(i)).add();
            stored.add(purchases.get(i).toPurchase(ids[i], userId));
        }
        batch.execute();
        return stored;
    }

    /**
     * One {@link PreparedBatch}: the statement prepared once, a binding per item ({@code add()}),
     * one {@code executeBatch()}, so one round trip for any number of items; nothing at all for
     * no items (Jdbi 3.55 would still prepare the statement of an empty batch).
     * https://jdbi.org/apidocs/org/jdbi/v3/core/statement/PreparedBatch.html
     */
    private static <T> void executeBatch(Handle h, String sql, List<T> items, BiFunction<PreparedBatch, T, PreparedBatch> bind) {
        if (items.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch(sql);
        for (T item : items) {
            bind.apply(batch, item).add();
        }
        batch.execute();
    }

    /** A user with their purchases, in one statement folded by {@link #withPurchases}; empty when there is no such user. */
    private static Optional<UserWithPurchases> readWithPurchases(Handle h, long userId) {
        return withPurchases(h.createQuery(SELECT_USER_WITH_PURCHASES).bind("id", userId)).findFirst();
    }

    private static Optional<User> findUser(Handle h, long id) {
        return h.createQuery(SELECT_USERS + "where u.id = :id").bind("id", id).map(USERS).findOne();
    }

    private static long countUsers(Handle h) {
        return h.createQuery("select count(*) from users").mapTo(long.class).one();
    }

    /**
     * Folds {@code users left join purchases} (a row per purchase, or one with null purchase
     * columns) into a {@link UserWithPurchases} per user, in the guide's {@code reduceRows} shape.
     * Its container is a {@code LinkedHashMap} ({@code LinkedHashMapRowReducer}), so users come out
     * in the SQL's order, as {@code pageWithPurchases} needs. {@code getRow(USERS)} runs our mapper
     * with no lookup, once per user: the per-row work of the hand-written reducer it replaced.
     * https://jdbi.org/apidocs/org/jdbi/v3/core/result/LinkedHashMapRowReducer.html
     */
    private static Stream<UserWithPurchases> withPurchases(Query query) {
        return query.reduceRows((Map<Long, Folding> users, RowView row) -> {
            Folding user = users.computeIfAbsent(row.getColumn("id", Long.class),
                    id -> new Folding(row.getRow(USERS), new ArrayList<>()));
            if (row.getColumn("p_id", Long.class) != null) {
                user.purchases().add(row.getRow(PURCHASES));
            }
        }).map(Folding::done);
    }

    /** A user being folded: {@link UserWithPurchases} copies its list, so purchases gather here first. */
    private record Folding(User user, List<Purchase> purchases) {
        UserWithPurchases done() {
            return new UserWithPurchases(user, purchases);
        }
    }

    /** {@code count} values of a sequence in one round trip (the SQL differs per database). */
    private long[] nextValues(Handle h, String sequence, int count) {
        return h.createQuery(database.nextValuesSql(sequence))
                .bind(0, count)
                .mapTo(long.class)
                .list()
                .stream()
                .mapToLong(Long::longValue)
                .toArray();
    }

    /**
     * An {@code Instant} as an {@code OffsetDateTime} at UTC, bound with {@code setObject} (JDBC
     * 4.2). Jdbi's {@code Instant} argument binds a {@code Timestamp}, computed in the JVM's zone:
     * an hour off in a clocks-back hour, days off before 1582 (README, "Pitfalls").
     */
    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** Ends a stream's transaction, which only read, and gives its connection back. */
    private static void endReading(Handle handle) {
        try (handle) {
            handle.rollback();
        }
    }
}
