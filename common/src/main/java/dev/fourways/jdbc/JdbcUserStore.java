package dev.fourways.jdbc;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.db.Database;
import dev.fourways.db.LikePatterns;
import dev.fourways.db.PooledIds;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.SqlErrorTranslator;
import dev.fourways.error.PurchaseNotFoundException;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.StoreException;
import dev.fourways.error.UserNotFoundException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * The plain-JDBC reference store: the floor every style is measured against, written as well as
 * JDBC allows. Prepared statements with every value bound, try-with-resources, one connection per
 * call (autocommit for single statements, an explicit transaction for several), batches for bulk
 * inserts, ids reserved in blocks ({@link PooledIds}) so batches need no generated keys.
 * The SQL is portable across H2, PostgreSQL and MariaDB except the id reservation
 * ({@link Database#nextValuesSql}).
 *
 * <p>Like every style's store it is opened through its provider, inside a
 * {@link dev.fourways.GuardedUserStore} that validates the arguments and refuses calls after
 * {@code close()}; so this class holds JDBC only. Being JDBC, it translates its checked
 * {@code SQLException}s itself, where it catches them.
 */
public final class JdbcUserStore implements UserStore {

    private static final String USER_COLUMNS = "u.id, u.username, u.email, u.display_name, u.created_at, u.version";
    /**
     * A user's columns and a purchase's (prefixed {@code p_}): a user joined to their purchases (one
     * row per purchase, or one with null purchase columns), or a purchase joined to its user.
     */
    private static final String USERS_WITH_PURCHASES = """
            select u.id, u.username, u.email, u.display_name, u.created_at, u.version,
                   p.id as p_id, p.user_id as p_user_id, p.amount as p_amount,
                   p.status as p_status, p.placed_at as p_placed_at
            """;
    private static final String INSERT_USER =
            "insert into users (id, username, email, display_name, created_at, version) values (?, ?, ?, ?, ?, 0)";
    private static final String INSERT_PURCHASE =
            "insert into purchases (id, user_id, amount, status, placed_at) values (?, ?, ?, ?, ?)";
    /** A user and their purchases, one row per purchase (or one with null purchase columns), in read order. */
    private static final String USER_WITH_PURCHASES_BY_ID = USERS_WITH_PURCHASES + """
            from users u left join purchases p on p.user_id = u.id
            where u.id = ?
            order by p.placed_at, p.id""";
    /** Rows fetched per round trip by {@link #streamAll()}: large enough to amortise, small enough to stay lazy. */
    static final int STREAM_FETCH_SIZE = 500;

    private final DataSource dataSource;
    private final Database database;
    private final PooledIds userIds;
    private final PooledIds purchaseIds;
    /** {@link StoreSettings#statementTimeoutSeconds()}, set on every statement (JDBC's own idiom). */
    private final int statementTimeoutSeconds;
    /**
     * The unit of work's connection, in one transaction, when this store is the one
     * {@link #inUnitOfWork} hands its work; null for the store itself, which takes a connection
     * from the pool per call.
     */
    private final Connection unit;

    /**
     * @param dataSource a pool on a migrated database; never closed by this store
     * @param settings   the statement timeout, applied with {@code Statement.setQueryTimeout} on every statement
     */
    public JdbcUserStore(DataSource dataSource, StoreSettings settings) {
        this.dataSource = dataSource;
        this.database = Database.of(dataSource);
        this.statementTimeoutSeconds = settings.statementTimeoutSeconds();
        this.userIds = new PooledIds();
        this.purchaseIds = new PooledIds();
        this.unit = null;
    }

    /** The same store, bound to one unit of work's connection: every call runs on it. */
    private JdbcUserStore(JdbcUserStore store, Connection unit) {
        this.dataSource = store.dataSource;
        this.database = store.database;
        this.statementTimeoutSeconds = store.statementTimeoutSeconds;
        this.userIds = store.userIds;
        this.purchaseIds = store.purchaseIds;
        this.unit = unit;
    }

    @Override
    public User create(NewUser user) {
        // Autocommit: one INSERT is its own transaction (UserStore's transaction policy). The id
        // comes from this store's reserved block; the sequence call that refills it is not
        // transactional anyway, so it needs no transaction around it.
        return withConnection("create", c -> {
            long id = userIds.take(1, n -> nextValues(c, "users_seq", n))[0];
            try (PreparedStatement ps = prepare(c, INSERT_USER)) {
                bindUser(ps, id, user);
                ps.executeUpdate();
            }
            return user.toUser(id);
        });
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        return inTransaction("createAll", connection -> {
            long[] ids = userIds.take(users.size(), n -> nextValues(connection, "users_seq", n));
            try (PreparedStatement ps = prepare(connection, INSERT_USER)) {
                List<User> created = new ArrayList<>(users.size());
                for (int i = 0; i < users.size(); i++) {
                    bindUser(ps, ids[i], users.get(i));
                    ps.addBatch();
                    created.add(users.get(i).toUser(ids[i]));
                }
                // One executeBatch: one round trip on H2 and MariaDB, one multi-row insert per
                // 128 rows on PostgreSQL with reWriteBatchedInserts.
                ps.executeBatch();
                return created;
            }
        });
    }

    @Override
    public Optional<User> findById(long id) {
        return withConnection("findById", c -> queryOne(c, "select " + USER_COLUMNS + " from users u where u.id = ?",
                ps -> ps.setLong(1, id)));
    }

    @Override
    public Optional<User> findByUsername(String username) {
                return withConnection("findByUsername", c -> queryOne(c,
                "select " + USER_COLUMNS + " from users u where u.username = ?", ps -> ps.setString(1, username)));
    }

    @Override
    public long count() {
        return withConnection("count", this::countUsers);
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        // Two reads that must agree: one transaction at the database's snapshot isolation, so the
        // count and the rows see the same users (READ COMMITTED would give each its own snapshot).
        return inTransaction("page", database.snapshotIsolation(), c -> {
            long total = countUsers(c);
            List<User> items = queryList(c, "select " + USER_COLUMNS + " from users u order by u.username limit ? offset ?",
                    ps -> {
                        ps.setInt(1, pageSize);
                        ps.setLong(2, Page.offset(pageNumber, pageSize));
                    });
            return new Page<>(items, pageNumber, pageSize, total);
        });
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        if (afterUsername == null) {
            return withConnection("listAfter", c -> queryList(c,
                    "select " + USER_COLUMNS + " from users u order by u.username limit ?", ps -> ps.setInt(1, limit)));
        }
        return withConnection("listAfter", c -> queryList(c,
                "select " + USER_COLUMNS + " from users u where u.username > ? order by u.username limit ?", ps -> {
                    ps.setString(1, afterUsername);
                    ps.setInt(2, limit);
                }));
    }

    @Override
    public List<User> search(UserQuery query) {
        // Fixed SQL fragments, chosen by which criteria are present; the values are all bound.
        StringJoiner where = new StringJoiner(" and ", " where ", "").setEmptyValue("");
        List<Object> values = new ArrayList<>();
        query.usernameContainsOpt().ifPresent(s -> {
            where.add("u.username like ? escape '!'");
            values.add(LikePatterns.contains(s));
        });
        query.emailDomainOpt().ifPresent(d -> {
            where.add("u.email like ? escape '!'");
            values.add(LikePatterns.endsWith("@" + d));
        });
        query.createdFromOpt().ifPresent(t -> {
            where.add("u.created_at >= ?");
            values.add(utc(t));
        });
        query.createdToOpt().ifPresent(t -> {
            where.add("u.created_at < ?");
            values.add(utc(t));
        });
        query.minPurchasesOpt().ifPresent(n -> {
            where.add("(select count(*) from purchases p where p.user_id = u.id) >= ?");
            values.add(n);
        });
        String orderBy = switch (query.sort()) {
            case USERNAME_ASC -> " order by u.username, u.id";
            case CREATED_DESC -> " order by u.created_at desc, u.id desc";
        };
        values.add(query.limit());
        String sql = "select " + USER_COLUMNS + " from users u" + where + orderBy + " limit ?";
        return withConnection("search", c -> queryList(c, sql, ps -> {
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
        }));
    }

    @Override
    public Stream<User> streamAll() {
        Connection connection = null;
        try {
            connection = unit != null ? unit : dataSource.getConnection();
            // PostgreSQL only streams with a fetch size inside a transaction; the others ignore it.
            connection.setAutoCommit(false);
            // No statement timeout: the caller reads at its own pace, and MariaDB's max_statement_time
            // would end a stream that is merely read slowly (StoreSettings).
            PreparedStatement ps = connection.prepareStatement("select " + USER_COLUMNS + " from users u order by u.id");
            ps.setFetchSize(STREAM_FETCH_SIZE);
            ResultSet rs = ps.executeQuery();
            // A unit of work's connection stays open: its unit commits and closes it.
            Connection held = unit != null ? null : connection;
            Spliterator<User> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE,
                    Spliterator.ORDERED | Spliterator.NONNULL) {
                @Override
                public boolean tryAdvance(Consumer<? super User> action) {
                    try {
                        if (!rs.next()) {
                            return false;
                        }
                        action.accept(user(rs));
                        return true;
                    } catch (SQLException e) {
                        throw SqlErrorTranslator.translate("streamAll", e);
                    }
                }
            };
            return StreamSupport.stream(rows, false).onClose(() -> release(held, ps, rs));
        } catch (SQLException e) {
            StoreException failure = SqlErrorTranslator.translate("streamAll", e);
            try {
                release(unit != null ? null : connection, null, null);
            } catch (StoreException onRelease) {
                // The first failure says what went wrong; on a lost connection the rollback fails too.
                failure.addSuppressed(onRelease);
            }
            throw failure;
        }
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
                return inTransaction("changeEmail", c -> {
            int updated;
            try (PreparedStatement ps = prepare(c, 
                    "update users set email = ?, version = version + 1 where id = ? and version = ?")) {
                ps.setString(1, newEmail);
                ps.setLong(2, id);
                ps.setLong(3, expectedVersion);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                throw staleOrMissing(c, id, expectedVersion); // only on failure
            }
            return queryOne(c, "select " + USER_COLUMNS + " from users u where u.id = ?", ps -> ps.setLong(1, id))
                    .orElseThrow();
        });
    }

    @Override
    public boolean delete(long id) {
        // One statement: the purchases go by the foreign key's ON DELETE CASCADE, never loaded.
        return withConnection("delete", c -> {
            try (PreparedStatement ps = prepare(c, "delete from users where id = ?")) {
                ps.setLong(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        // A missing user is the foreign key's refusal, translated to UserNotFoundException.
        return withConnection("addPurchase", c -> {
            long id = purchaseIds.take(1, n -> nextValues(c, "purchases_seq", n))[0];
            try (PreparedStatement ps = prepare(c, INSERT_PURCHASE)) {
                bindPurchase(ps, id, userId, purchase);
                ps.executeUpdate();
            }
            return purchase.toPurchase(id, userId);
        });
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        // One statement: the user joined to its purchases, folded below.
        List<UserWithPurchases> found = withConnection("findWithPurchases", c -> queryWithPurchases(c,
                USER_WITH_PURCHASES_BY_ID, ps -> ps.setLong(1, userId)));
        return found.stream().findFirst();
    }

    @Override
    public UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases) {
        // One transaction: the user's INSERT, then one batch of the purchases' INSERTs. The ids come
        // from the reserved blocks, so the user's key is known before the insert and is carried down
        // to the children without reading a generated key back.
        return inTransaction("createWithPurchases", c -> {
            long userId = userIds.take(1, n -> nextValues(c, "users_seq", n))[0];
            try (PreparedStatement ps = prepare(c, INSERT_USER)) {
                bindUser(ps, userId, user);
                ps.executeUpdate();
            }
            List<Purchase> stored = insertPurchases(c, userId, purchases);
            return UserWithPurchases.sorted(user.toUser(userId), stored);
        });
    }

    @Override
    public UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes) {
        return inTransaction("changePurchases", c -> {
            // 1. The optimistic lock: bump the version only if it is still the expected one. The
            //    updated row stays locked until the commit, so no other change of this user interleaves.
            int bumped;
            try (PreparedStatement ps = prepare(c, "update users set version = version + 1 where id = ? and version = ?")) {
                ps.setLong(1, userId);
                ps.setLong(2, expectedVersion);
                bumped = ps.executeUpdate();
            }
            if (bumped == 0) {
                throw staleOrMissing(c, userId, expectedVersion);
            }
            // 2. The aggregate as it is now, in one statement: what the changes may name.
            UserWithPurchases current = queryWithPurchases(c, USER_WITH_PURCHASES_BY_ID, ps -> ps.setLong(1, userId)).get(0);
            changes.firstNotAmong(current.purchases()).ifPresent(id -> {
                throw new PurchaseNotFoundException(userId, id);
            });
            // 3-6. One batch per kind of change (and perhaps a refill of the reserved ids).
            List<Purchase> added = insertPurchases(c, userId, changes.add());
            batch(c, "update purchases set amount = ?, status = ? where id = ?", changes.change(), (ps, change) -> {
                ps.setBigDecimal(1, change.amount());
                ps.setString(2, change.status().name());
                ps.setLong(3, change.purchaseId());
            });
            batch(c, "delete from purchases where id = ?", changes.remove(), (ps, id) -> ps.setLong(1, id));
            // What the purchases are now, from what was read and what was written.
            return new UserWithPurchases(current.user(), changes.applyTo(current.purchases(), added));
        });
    }

    /** After a versioned update matched no row: one read tells a stale version from a missing user. */
    private StoreException staleOrMissing(Connection c, long id, long expectedVersion) throws SQLException {
        boolean exists = queryOne(c, "select " + USER_COLUMNS + " from users u where u.id = ?", ps -> ps.setLong(1, id))
                .isPresent();
        return exists ? new StaleUserException(id, expectedVersion, null) : UserNotFoundException.forId(id);
    }

    /** Inserts the purchases for one user in one batch, with ids from the reserved block; none for an empty list. */
    private List<Purchase> insertPurchases(Connection c, long userId, List<NewPurchase> purchases) throws SQLException {
        if (purchases.isEmpty()) {
            return List.of();
        }
        long[] ids = purchaseIds.take(purchases.size(), n -> nextValues(c, "purchases_seq", n));
        List<Purchase> stored = new ArrayList<>(purchases.size());
        try (PreparedStatement ps = prepare(c, INSERT_PURCHASE)) {
            for (int i = 0; i < purchases.size(); i++) {
                bindPurchase(ps, ids[i], userId, purchases.get(i));
                ps.addBatch();
                stored.add(purchases.get(i).toPurchase(ids[i], userId));
            }
            ps.executeBatch();
        }
        return stored;
    }

    /** One statement, one batch: a parameter set per item; nothing sent for no items. */
    private <T> void batch(Connection c, String sql, List<T> items, BatchBinder<T> binder) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = prepare(c, sql)) {
            for (T item : items) {
                binder.bind(ps, item);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public Optional<PurchaseWithUser> findPurchase(long purchaseId) {
        // One statement: the purchase joined to its user (the foreign key guarantees one).
        return withConnection("findPurchase", c -> {
            try (PreparedStatement ps = prepare(c, USERS_WITH_PURCHASES + """
                    from purchases p join users u on u.id = p.user_id
                    where p.id = ?""")) {
                ps.setLong(1, purchaseId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new PurchaseWithUser(purchase(rs), user(rs))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        // One statement, a deferred join: the derived table picks the page's ids by walking the
        // username index only; then the page's 20 rows are joined to their users and purchases.
        // `select *` in the derived table made MariaDB sort whole rows of the table (explain: "ALL
        // ... Using filesort"; 2.7-5.8 ms at offset 100 against 0.8 ms for this shape, 31 ms against
        // 1.8 ms at offset 9,000, 10,000 users); PostgreSQL and H2 run both shapes alike.
        return withConnection("pageWithPurchases", c -> queryWithPurchases(c,
                USERS_WITH_PURCHASES + """
                        from (select id from users order by username limit ? offset ?) k
                        join users u on u.id = k.id
                        left join purchases p on p.user_id = u.id
                        order by u.username, p.placed_at, p.id""",
                ps -> {
                    ps.setInt(1, pageSize);
                    ps.setLong(2, Page.offset(pageNumber, pageSize));
                }));
    }

    /** The cancellation (PostgreSQL, MariaDB): both walk an index on placed_at to the few rows before the cut-off. */
    private static final String CANCEL = "update purchases set status = ? where status in (?, ?) and placed_at < ?";

    /**
     * The cancellation on H2, which picks purchases_status_placed_idx for {@code status in (?, ?)}
     * and then drops the range on placed_at (it looks each listed status up, then filters): every NEW
     * and PAID purchase was read, 6–9 ms per call with 105,000 purchases (55,000 rows scanned for
     * 10 cancelled, {@code explain analyze}, H2 2.5.252). The hint names the index on placed_at,
     * which reads only the rows before the cut-off: 0.26 ms. H2's {@code use index} belongs to a
     * table in a query, so the rows come from a subquery.
     * http://www.h2database.com/html/grammar.html#table_expression
     */
    private static final String CANCEL_ON_H2 = """
            update purchases set status = ?
            where id in (select id from purchases use index (purchases_placed_idx)
                         where status in (?, ?) and placed_at < ?)""";

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        return withConnection("cancelPurchasesPlacedBefore", c -> {
            try (PreparedStatement ps = prepare(c, database == Database.H2 ? CANCEL_ON_H2 : CANCEL)) {
                ps.setString(1, PurchaseStatus.CANCELLED.name());
                ps.setString(2, PurchaseStatus.NEW.name());
                ps.setString(3, PurchaseStatus.PAID.name());
                ps.setObject(4, utc(cutoff));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        return withConnection("topSpenders", c -> {
            try (PreparedStatement ps = prepare(c,
                    """
                    select u.id, u.username, count(*) as purchase_count, sum(p.amount) as total
                    from purchases p join users u on u.id = p.user_id
                    where p.placed_at >= ? and p.status <> ?
                    group by u.id, u.username
                    order by total desc, u.username
                    limit ?""")) {
                ps.setObject(1, utc(since));
                ps.setString(2, PurchaseStatus.CANCELLED.name());
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<SpenderSummary> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(new SpenderSummary(rs.getLong("id"), rs.getString("username"),
                                rs.getLong("purchase_count"), rs.getBigDecimal("total")));
                    }
                    return rows;
                }
            }
        });
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        return inTransaction("mergeUsers", c -> {
            // 1. Both users must exist; lock them (in id order, so two merges cannot deadlock).
            List<Long> present = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "select id from users where id in (?, ?) order by id for update")) {
                ps.setLong(1, keepId);
                ps.setLong(2, removeId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        present.add(rs.getLong(1));
                    }
                }
            }
            for (long id : new long[] {keepId, removeId}) {
                if (!present.contains(id)) {
                    throw UserNotFoundException.forId(id);
                }
            }
            // 2-4. Move the purchases in one statement, delete, bump the version.
            update(c, "update purchases set user_id = ? where user_id = ?", keepId, removeId);
            update(c, "delete from users where id = ?", removeId);
            update(c, "update users set version = version + 1 where id = ?", keepId);
            // 5. The kept user as it is now.
            return queryOne(c, "select " + USER_COLUMNS + " from users u where u.id = ?", ps -> ps.setLong(1, keepId))
                    .orElseThrow();
        });
    }

    @Override
    public User upsert(NewUser user) {
        if (database == Database.H2) {
            // H2 2.5's FINAL TABLE over MERGE (or UPDATE) keeps a change that violated the e-mail's
            // unique constraint, so H2 runs the plain MERGE and reads back what it wrote, in one
            // transaction (the row stays locked until the commit). A concurrent insert of the same
            // username can still make MERGE raise the duplicate; the row then exists, so the one
            // retry takes the update path (UserStore.upsert).
            try {
                return inTransaction("upsert", c -> mergeOnH2(c, user));
            } catch (DuplicateUserException e) {
                if (e.field() != DuplicateUserException.Field.USERNAME) {
                    throw e;
                }
                return inTransaction("upsert", c -> mergeOnH2(c, user));
            }
        }
        // Autocommit: the one statement is atomic on its own.
        return withConnection("upsert", c -> {
            try (PreparedStatement ps = prepare(c, upsertSql())) {
                bindUpsert(ps, user);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    User stored = user(rs);
                    if (!stored.username().equals(user.username())) {
                        // MariaDB: the e-mail's unique key matched another user, whose row the
                        // guarded assignments left unchanged.
                        throw new DuplicateUserException(DuplicateUserException.Field.EMAIL, null);
                    }
                    return stored;
                }
            }
        });
    }

    private User mergeOnH2(Connection c, NewUser user) throws SQLException {
        try (PreparedStatement ps = prepare(c, """
                merge into users u
                using (values (cast(? as varchar(50)), cast(? as varchar(120)), cast(? as varchar(200)),
                               cast(? as timestamp(6) with time zone))) s(username, email, display_name, created_at)
                on u.username = s.username
                when matched then update set email = s.email, display_name = s.display_name, version = u.version + 1
                when not matched then insert (username, email, display_name, created_at, version)
                    values (s.username, s.email, s.display_name, s.created_at, 0)""")) {
            bindUpsert(ps, user);
            ps.executeUpdate();
        }
        return queryOne(c, "select " + USER_COLUMNS + " from users u where u.username = ?",
                ps -> ps.setString(1, user.username())).orElseThrow();
    }

    private static void bindUpsert(PreparedStatement ps, NewUser user) throws SQLException {
        ps.setString(1, user.username());
        ps.setString(2, user.email());
        ps.setString(3, user.displayName());
        ps.setObject(4, utc(user.createdAt()));
    }

    /** One statement on PostgreSQL and MariaDB; the id comes from the column's default (the sequence). */
    private String upsertSql() {
        String returned = "id, username, email, display_name, created_at, version";
        return switch (database) {
            case POSTGRESQL -> """
                    insert into users (username, email, display_name, created_at, version) values (?, ?, ?, ?, 0)
                    on conflict (username) do update set email = excluded.email,
                        display_name = excluded.display_name, version = users.version + 1
                    returning\s""" + returned;
            // ON DUPLICATE KEY UPDATE also fires on users_email_uk: the guard leaves another
            // user's row as it is, and upsert sees the other username in RETURNING.
            case MARIADB -> """
                    insert into users (username, email, display_name, created_at, version) values (?, ?, ?, ?, 0)
                    on duplicate key update
                        email = if(username = values(username), values(email), email),
                        display_name = if(username = values(username), values(display_name), display_name),
                        version = if(username = values(username), version + 1, version)
                    returning\s""" + returned;
            case H2 -> throw new IllegalStateException("H2 upserts with mergeOnH2");
        };
    }

    /** The claim's lock: skip what others hold, then take the oldest {@code limit} (PostgreSQL, MariaDB). */
    private static final String CLAIM = """
            select id, user_id, amount, status, placed_at from purchases
            where status = ? order by placed_at, id limit ? for update skip locked""";

    /**
     * The claim's lock on H2, which applies the limit before it drops locked rows anyway
     * ({@link UserStore#claimPaidPurchases}): the oldest {@code limit} ids in a subquery that reads
     * them in index order ({@code order by status, ...} lets H2 2.5 walk purchases_status_placed_idx
     * sorted), then the lock on those rows only. Locking {@code ... order by placed_at, id limit ?}
     * directly made H2 read and sort every PAID row: 26–72 ms per claim with 25,000 PAID purchases
     * against 1.3 ms in this shape (measured with H2 2.5.252, 105,000 purchases). The outer
     * {@code status = ?} drops a row another claim shipped between the two reads.
     */
    private static final String CLAIM_ON_H2 = """
            select id, user_id, amount, status, placed_at from purchases
            where status = ? and id in (
                select id from purchases where status = ? order by status, placed_at, id limit ?)
            order by placed_at, id for update skip locked""";

    @Override
    public List<Purchase> claimPaidPurchases(int limit) {
        // A pessimistic lock that skips what others hold, then the write it protects: one
        // transaction, so the lock lasts until the rows are SHIPPED (UserStore.claimPaidPurchases).
        // READ COMMITTED on every database (the default of PostgreSQL and H2): MariaDB's REPEATABLE
        // READ would add next-key (gap) locks to the rows the claim reads.
        return inTransaction("claimPaidPurchases", Connection.TRANSACTION_READ_COMMITTED, c -> {
            List<Purchase> locked = new ArrayList<>();
            boolean h2 = database == Database.H2;
            try (PreparedStatement ps = prepare(c, h2 ? CLAIM_ON_H2 : CLAIM)) {
                ps.setString(1, PurchaseStatus.PAID.name());
                if (h2) {
                    ps.setString(2, PurchaseStatus.PAID.name());
                }
                ps.setInt(h2 ? 3 : 2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        locked.add(new Purchase(rs.getLong("id"), rs.getLong("user_id"), rs.getBigDecimal("amount"),
                                PurchaseStatus.SHIPPED, instant(rs, "placed_at")));
                    }
                }
            }
            if (locked.isEmpty()) {
                return locked;
            }
            StringJoiner ids = new StringJoiner(", ", "update purchases set status = ? where id in (", ")");
            locked.forEach(p -> ids.add("?"));
            try (PreparedStatement ps = prepare(c, ids.toString())) {
                ps.setString(1, PurchaseStatus.SHIPPED.name());
                for (int i = 0; i < locked.size(); i++) {
                    ps.setLong(i + 2, locked.get(i).id());
                }
                ps.executeUpdate();
            }
            return locked;
        });
    }

    /**
     * A unit of work is a {@code Connection} taken from the pool with autocommit off, at READ
     * COMMITTED: the store handed to {@code work} runs every call on it, and the methods' own
     * transactions become plain statements of the unit's.
     */
    @Override
    public <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(false);
            R result;
            try {
                result = work.apply(new JdbcUserStore(this, c));
                c.commit();
            } catch (SQLException | RuntimeException | Error e) {
                rollbackKeeping(c, e);
                throw e;
            }
            c.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            throw SqlErrorTranslator.translate("inUnitOfWork", e);
        }
    }

    /** Nothing to release: the store holds no resources of its own, only the caller's pool. */
    @Override
    public void close() {
    }

    // ---- plumbing: connections, transactions, mapping ----

    @FunctionalInterface
    private interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface BatchBinder<T> {
        void bind(PreparedStatement ps, T item) throws SQLException;
    }

    /** Carries a {@code SQLException} out of a lambda that cannot throw it. */
    private static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException cause) {
            super(cause);
        }
    }

    /** One connection in autocommit: for a single statement, which is its own transaction. */
    private <T> T withConnection(String operation, SqlWork<T> work) {
        if (unit != null) {
            return inUnit(operation, work);
        }
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw SqlErrorTranslator.translate(operation, e);
        } catch (UncheckedSql e) {
            throw SqlErrorTranslator.translate(operation, (SQLException) e.getCause());
        }
    }

    /** One connection, one transaction: committed when the work returns, rolled back on any failure. */
    private <T> T inTransaction(String operation, SqlWork<T> work) {
        return inTransaction(operation, Connection.TRANSACTION_NONE, work);
    }

    /**
     * The same at a chosen isolation level ({@code TRANSACTION_NONE}: the pool's default). The pool
     * (HikariCP) restores its default when the connection comes back.
     */
    private <T> T inTransaction(String operation, int isolation, SqlWork<T> work) {
        if (unit != null) {
            return inUnit(operation, work);
        }
        try (Connection c = dataSource.getConnection()) {
            if (isolation != Connection.TRANSACTION_NONE) {
                c.setTransactionIsolation(isolation);
            }
            c.setAutoCommit(false);
            T result;
            try {
                result = work.apply(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackKeeping(c, e);
                throw e;
            }
            c.setAutoCommit(true);
            return result;
        } catch (SQLException e) {
            throw SqlErrorTranslator.translate(operation, e);
        } catch (UncheckedSql e) {
            throw SqlErrorTranslator.translate(operation, (SQLException) e.getCause());
        }
    }

    /** Inside a unit of work: the work runs on the unit's connection, in the unit's transaction. */
    private <T> T inUnit(String operation, SqlWork<T> work) {
        try {
            return work.apply(unit);
        } catch (SQLException e) {
            throw SqlErrorTranslator.translate(operation, e);
        } catch (UncheckedSql e) {
            throw SqlErrorTranslator.translate(operation, (SQLException) e.getCause());
        }
    }

    /** Every statement carries the store's statement timeout. */
    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        // H2 keeps the query timeout per session, and each setQueryTimeout runs a SET QUERY_TIMEOUT
        // command (JdbcConnection.setQueryTimeout, H2 2.x), which made this floor slower than
        // Hibernate's count and findById on H2; so set it only when the statement lacks it.
        // PostgreSQL's and MariaDB's statements start at 0 and always get it.
        if (ps.getQueryTimeout() != statementTimeoutSeconds) {
            ps.setQueryTimeout(statementTimeoutSeconds);
        }
        return ps;
    }

    /**
     * Rolls back after {@code failure}; when that fails too (the connection is gone: the pool has
     * already closed it), the first failure stays the one thrown, since it says what happened.
     */
    private static void rollbackKeeping(Connection c, Throwable failure) {
        try {
            c.rollback();
            c.setAutoCommit(true);
        } catch (SQLException | RuntimeException onRollback) {
            failure.addSuppressed(onRollback);
        }
    }

    private long[] nextValues(Connection c, String sequence, int count) {
        try (PreparedStatement ps = prepare(c, database.nextValuesSql(sequence))) {
            ps.setInt(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                long[] values = new long[count];
                int i = 0;
                while (rs.next()) {
                    values[i++] = rs.getLong(1);
                }
                return values;
            }
        } catch (SQLException e) {
            throw new UncheckedSql(e);
        }
    }

    private long countUsers(Connection c) throws SQLException {
        try (PreparedStatement ps = prepare(c, "select count(*) from users");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void update(Connection c, String sql, long... ids) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(i + 1, ids[i]);
            }
            ps.executeUpdate();
        }
    }

    private Optional<User> queryOne(Connection c, String sql, Binder binder) throws SQLException {
        List<User> users = queryList(c, sql, binder);
        return users.stream().findFirst();
    }

    private List<User> queryList(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<User> users = new ArrayList<>();
                while (rs.next()) {
                    users.add(user(rs));
                }
                return users;
            }
        }
    }

    /** Folds joined rows (one per purchase, or one with null purchase columns) into users with purchases. */
    private List<UserWithPurchases> queryWithPurchases(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<UserWithPurchases> result = new ArrayList<>();
                User current = null;
                List<Purchase> purchases = new ArrayList<>();
                while (rs.next()) {
                    long id = rs.getLong("id");
                    if (current == null || current.id() != id) {
                        if (current != null) {
                            result.add(new UserWithPurchases(current, purchases));
                        }
                        current = user(rs);
                        purchases = new ArrayList<>();
                    }
                    rs.getLong("p_id");
                    if (!rs.wasNull()) {
                        purchases.add(purchase(rs));
                    }
                }
                if (current != null) {
                    result.add(new UserWithPurchases(current, purchases));
                }
                return result;
            }
        }
    }

    private static void bindUser(PreparedStatement ps, long id, NewUser u) throws SQLException {
        ps.setLong(1, id);
        ps.setString(2, u.username());
        ps.setString(3, u.email());
        ps.setString(4, u.displayName());
        ps.setObject(5, utc(u.createdAt()));
    }

    private static void bindPurchase(PreparedStatement ps, long id, long userId, NewPurchase p) throws SQLException {
        ps.setLong(1, id);
        ps.setLong(2, userId);
        ps.setBigDecimal(3, p.amount());
        ps.setString(4, p.status().name());
        ps.setObject(5, utc(p.placedAt()));
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("username"), rs.getString("email"),
                rs.getString("display_name"), instant(rs, "created_at"), rs.getLong("version"));
    }

    /** The purchase columns of {@link #USERS_WITH_PURCHASES}, prefixed {@code p_}. */
    private static Purchase purchase(ResultSet rs) throws SQLException {
        return new Purchase(rs.getLong("p_id"), rs.getLong("p_user_id"), rs.getBigDecimal("p_amount"),
                PurchaseStatus.valueOf(rs.getString("p_status")), instant(rs, "p_placed_at"));
    }

    /** JDBC 4.2 reads a time-zone-aware column as {@code OffsetDateTime}; never through the JVM's zone. */
    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static void release(Connection connection, PreparedStatement ps, ResultSet rs) {
        try (Connection c = connection; PreparedStatement s = ps; ResultSet r = rs) {
            if (c != null && !c.getAutoCommit()) {
                c.rollback(); // read only: nothing to keep, and ends the cursor's transaction
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlErrorTranslator.translate("streamAll (releasing the connection)", e);
        }
    }
}
