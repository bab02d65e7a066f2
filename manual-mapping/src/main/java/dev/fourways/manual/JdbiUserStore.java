package dev.fourways.manual;

import dev.fourways.UserStore;
import dev.fourways.db.Database;
import dev.fourways.db.LikePatterns;
import dev.fourways.db.PooledIds;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
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
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.RowView;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
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
 * here checks or catches. Thread-safe: the only mutable state is the id blocks ({@link PooledIds}).
 */
public final class JdbiUserStore implements UserStore {

    /** The columns {@link UserRowMapper} reads by label; ends with a new line for what follows. */
    private static final String SELECT_USERS = """
            select u.id, u.username, u.email, u.display_name, u.created_at, u.version
            from users u
            """;

    private static final String INSERT_USER = """
            insert into users (id, username, email, display_name, created_at, version)
            values (:id, :username, :email, :displayName, :createdAt, 0)""";

    /** Rows fetched per round trip by {@link #streamAll()}, as in the JDBC reference. */
    static final int STREAM_FETCH_SIZE = 500;

    // Stateless mappers, one instance each for every call and thread. Passed to map(...) rather
    // than registered by type, so a reader sees which mapper runs and Jdbi looks none up.
    private static final UserRowMapper USERS = new UserRowMapper();
    private static final PurchaseRowMapper PURCHASES = new PurchaseRowMapper("p_");
    private static final SpenderSummaryRowMapper SPENDERS = new SpenderSummaryRowMapper();

    private final Jdbi jdbi;
    private final Database database;
    /** {@link Database#snapshotIsolation()} as Jdbi's enum, for {@link #page}. */
    private final TransactionIsolationLevel snapshot;
    private final PooledIds userIds = new PooledIds();
    private final PooledIds purchaseIds = new PooledIds();

    /** @param dataSource a pool on a migrated database; never closed by this store */
    public JdbiUserStore(DataSource dataSource) {
        this.database = Database.of(dataSource);
        this.snapshot = TransactionIsolationLevel.valueOf(database.snapshotIsolation());
        this.jdbi = Jdbi.create(dataSource);
        // No statement uses <attribute> templates, so the SQL goes through verbatim, without the
        // default engine's lookup per statement: the one setting that measurably helped (README).
        // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/NoTemplateEngine.html
        jdbi.setTemplateEngine(new NoTemplateEngine());
    }

    @Override
    public User create(NewUser user) {
        // One Update (INSERT) on an autocommit handle. The id comes from the store's block of
        // reserved ids; a sequence call goes first only when the block is used up.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/Update.html
        return jdbi.withHandle(h -> {
            long id = userIds.take(1, n -> nextValues(h, "users_seq", n))[0];
            bindUser(h.createUpdate(INSERT_USER), id, user).execute();
            return user.toUser(id);
        });
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        return jdbi.inTransaction(h -> {
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
        return jdbi.withHandle(h -> findUser(h, id));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return jdbi.withHandle(h -> h.createQuery(SELECT_USERS + "where u.username = :username")
                .bind("username", username)
                .map(USERS)
                .findOne());
    }

    @Override
    public long count() {
        return jdbi.withHandle(JdbiUserStore::countUsers);
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        // The count and the rows must see the same users, so both run in one transaction at the
        // database's snapshot isolation (REPEATABLE READ on PostgreSQL and MariaDB, SERIALIZABLE
        // on H2); under READ COMMITTED each SELECT would see what was committed when it started.
        // Jdbi's own way to give a transaction its level is the inTransaction overload taking a
        // TransactionIsolationLevel (guide, "Transactions"): it sets the level on the connection
        // before begin() and puts the handle's previous level back after the commit or rollback.
        // On PostgreSQL that is 4 round trips more than READ COMMITTED: two reads of the current
        // level, the set and the restore (README, "Choices").
        // https://jdbi.org/#_transactions
        // https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html#inTransaction(org.jdbi.v3.core.transaction.TransactionIsolationLevel,org.jdbi.v3.core.HandleCallback)
        return jdbi.inTransaction(snapshot, h -> {
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
            return jdbi.withHandle(h -> h.createQuery(SELECT_USERS + "order by u.username limit :limit")
                    .bind("limit", limit)
                    .map(USERS)
                    .list());
        }
        return jdbi.withHandle(h -> h.createQuery(SELECT_USERS + """
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
        return jdbi.withHandle(h -> h.createQuery(sql).bindMap(values).map(USERS).list());
    }

    @Override
    public Stream<User> streamAll() {
        // Not jdbi.withHandle(h -> ....stream()): that closes the handle before the caller reads
        // a row. The stream ends the handle instead: Jdbi's onClose closes the statement and
        // result set, then ours rolls back (it only read) and gives the connection back.
        // PostgreSQL honours the fetch size only inside a transaction; H2 and MariaDB ignore it.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/result/ResultIterable.html#stream()
        Handle handle = jdbi.open();
        try {
            handle.begin();
            return handle.createQuery(SELECT_USERS + "order by u.id")
                    .setFetchSize(STREAM_FETCH_SIZE)
                    .map(USERS)
                    .stream()
                    .onClose(() -> endReading(handle));
        } catch (RuntimeException e) {
            try {
                endReading(handle);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        return jdbi.inTransaction(h -> {
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
        return jdbi.withHandle(h -> h.createUpdate("delete from users where id = :id").bind("id", id).execute() > 0);
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        // A missing user is the foreign key's refusal, which the guard reports with the id.
        return jdbi.withHandle(h -> {
            long id = purchaseIds.take(1, n -> nextValues(h, "purchases_seq", n))[0];
            h.createUpdate("""
                            insert into purchases (id, user_id, amount, status, placed_at)
                            values (:id, :userId, :amount, :status, :placedAt)""")
                    .bind("id", id)
                    .bind("userId", userId)
                    .bind("amount", purchase.amount())
                    .bind("status", purchase.status().name())
                    .bind("placedAt", utc(purchase.placedAt()))
                    .execute();
            return purchase.toPurchase(id, userId);
        });
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        // One statement, whatever the number of purchases: the user joined to them, then folded.
        return jdbi.withHandle(h -> withPurchases(h.createQuery("""
                        select u.id, u.username, u.email, u.display_name, u.created_at, u.version,
                               p.id as p_id, p.user_id as p_user_id, p.amount as p_amount,
                               p.status as p_status, p.placed_at as p_placed_at
                        from users u
                        left join purchases p on p.user_id = u.id
                        where u.id = :id
                        order by p.placed_at, p.id""")
                .bind("id", userId))
                .findFirst());
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        // One statement, the JDBC reference's deferred join: the derived table picks the page's
        // ids from the username index alone (so the limit counts users, not joined rows), then
        // only those users are read whole and joined to their purchases. With "select * ... limit
        // offset" in the derived table MariaDB sorted every whole row (see README). Being one
        // statement, it reads one snapshot at any isolation: at most one page, each user once, in
        // username order while others write, with no transaction and no isolation level needed.
        return jdbi.withHandle(h -> withPurchases(h.createQuery("""
                        select u.id, u.username, u.email, u.display_name, u.created_at, u.version,
                               p.id as p_id, p.user_id as p_user_id, p.amount as p_amount,
                               p.status as p_status, p.placed_at as p_placed_at
                        from (select id from users order by username limit :limit offset :offset) k
                        join users u on u.id = k.id
                        left join purchases p on p.user_id = u.id
                        order by u.username, p.placed_at, p.id""")
                .bind("limit", pageSize)
                .bind("offset", Page.offset(pageNumber, pageSize)))
                .toList());
    }

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update purchases set status = :cancelled
                        where status in (:new, :paid) and placed_at < :cutoff""")
                .bind("cancelled", PurchaseStatus.CANCELLED.name())
                .bind("new", PurchaseStatus.NEW.name())
                .bind("paid", PurchaseStatus.PAID.name())
                .bind("cutoff", utc(cutoff))
                .execute());
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
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
        return jdbi.inTransaction(h -> {
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

    /** Nothing to release: a {@link Jdbi} holds configuration, no connection, and the pool is the caller's. */
    @Override
    public void close() {
    }

    // ---- helpers ----

    /** The INSERT_USER parameters, for one {@code Update} or one row of a {@link PreparedBatch}. */
    private static <S extends SqlStatement<S>> S bindUser(S statement, long id, NewUser user) {
        return statement.bind("id", id)
                .bind("username", user.username())
                .bind("email", user.email())
                .bind("displayName", user.displayName())
                .bind("createdAt", utc(user.createdAt()));
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
