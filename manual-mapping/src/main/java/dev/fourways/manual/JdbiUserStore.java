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
import dev.fourways.domain.Validation;
import dev.fourways.error.SqlErrorTranslator;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.StoreException;
import dev.fourways.error.UserNotFoundException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.NoTemplateEngine;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The Jdbi style with hand-written row mappers: SQL written out in this class, every column
 * mapped by {@link UserRowMapper}, {@link PurchaseRowMapper} and {@link SpenderSummaryRowMapper},
 * and Jdbi's fluent API ({@link Handle}, {@code Query}, {@code Update}, {@link PreparedBatch})
 * taking away the JDBC ceremony: opening and closing connections, statements and result sets,
 * binding named parameters, transactions, iterating rows.
 *
 * <p>One {@link Jdbi} per store, over the caller's pool. Each call takes its own handle (one pooled
 * connection) and gives it back before it returns: {@link Jdbi#withHandle} for a single statement,
 * which runs in autocommit and so is its own transaction; {@link Jdbi#inTransaction} for
 * several. Only {@link #streamAll()} keeps its handle, until the stream is closed. Thread-safe:
 * the store's only mutable state is the id blocks ({@link PooledIds}, synchronised) and the closed
 * flag.
 *
 * <p>Every failure Jdbi raises ({@link JdbiException}: {@code UnableToExecuteStatementException},
 * {@code UnableToObtainConnectionException}, {@code TransactionException}, ...) is unwrapped to the
 * {@link SQLException} it carries and translated by {@link SqlErrorTranslator}, so this store raises
 * the same exceptions as every other style.
 */
public final class JdbiUserStore implements UserStore {

    private static final String USER_COLUMNS = "u.id, u.username, u.email, u.display_name, u.created_at, u.version";
    private static final String PURCHASE_COLUMNS = "p.id as p_id, p.user_id as p_user_id, p.amount as p_amount, "
            + "p.status as p_status, p.placed_at as p_placed_at";
    private static final String SELECT_USERS = "select " + USER_COLUMNS + " from users u";
    private static final String USER_BY_ID = SELECT_USERS + " where u.id = :id";
    private static final String INSERT_USER = "insert into users (id, username, email, display_name, created_at, version)"
            + " values (:id, :username, :email, :displayName, :createdAt, 0)";

    /** Rows fetched per round trip by {@link #streamAll()}, as in the JDBC reference. */
    static final int STREAM_FETCH_SIZE = 500;

    // Stateless mappers and reducer: one instance each, shared by every call and thread. Passed to
    // map(...) explicitly rather than registered by type, so a reader sees which mapper runs and
    // Jdbi does no mapper lookup per query.
    private static final UserRowMapper USERS = new UserRowMapper();
    private static final PurchaseRowMapper PURCHASES = new PurchaseRowMapper("p_");
    private static final SpenderSummaryRowMapper SPENDERS = new SpenderSummaryRowMapper();
    private static final UserWithPurchasesReducer USERS_WITH_PURCHASES = new UserWithPurchasesReducer(USERS, PURCHASES);

    private final Jdbi jdbi;
    private final Database database;
    private final PooledIds userIds = new PooledIds();
    private final PooledIds purchaseIds = new PooledIds();
    private volatile boolean closed;

    /**
     * @param dataSource a pool on a migrated database; never closed by this store
     * @throws IllegalStateException when the database cannot be reached or is not one of the three
     */
    public JdbiUserStore(DataSource dataSource) {
        Validation.require("dataSource", dataSource);
        this.database = Database.of(dataSource);
        this.jdbi = Jdbi.create(dataSource);
        // Every SQL string here is complete as written: the dynamic search is assembled from
        // fixed fragments in Java, never from <attribute> templates. NoTemplateEngine passes SQL
        // through verbatim, skipping the default DefinedAttributeTemplateEngine's template cache
        // lookup per statement and any chance of it reading SQL text as a template.
        // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/NoTemplateEngine.html
        jdbi.setTemplateEngine(new NoTemplateEngine());
    }

    @Override
    public User create(NewUser user) {
        Validation.require("user", user);
        ensureOpen();
        // One INSERT on a handle in autocommit, its own transaction (no commit round trip); the id
        // comes from the store's block of reserved ids, with a sequence call first only when the
        // block is used up (sequence values are not transactional anyway).
        return withHandle("create", h -> {
            long id = userIds.take(1, n -> nextValues(h, "users_seq", n))[0];
            h.createUpdate(INSERT_USER)
                    .bind("id", id)
                    .bind("username", user.username())
                    .bind("email", user.email())
                    .bind("displayName", user.displayName())
                    .bind("createdAt", utc(user.createdAt()))
                    .execute();
            return user.toUser(id);
        });
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        Validation.requireEach("users", users);
        ensureOpen();
        if (users.isEmpty()) {
            return List.of();
        }
        return inTransaction("createAll", h -> {
            // Ids first, one round trip per 50 users at most: MariaDB's driver returns no generated
            // keys for a sequence default, so the batch inserts ids it already knows.
            long[] ids = userIds.take(users.size(), n -> nextValues(h, "users_seq", n));
            PreparedBatch batch = h.prepareBatch(INSERT_USER);
            List<User> created = new ArrayList<>(users.size());
            for (int i = 0; i < users.size(); i++) {
                NewUser u = users.get(i);
                batch.bind("id", ids[i])
                        .bind("username", u.username())
                        .bind("email", u.email())
                        .bind("displayName", u.displayName())
                        .bind("createdAt", utc(u.createdAt()))
                        .add();
                created.add(u.toUser(ids[i]));
            }
            // One JDBC batch, sent with one executeBatch():
            // https://jdbi.org/apidocs/org/jdbi/v3/core/statement/PreparedBatch.html
            batch.execute();
            return created;
        });
    }

    @Override
    public Optional<User> findById(long id) {
        ensureOpen();
        return withHandle("findById", h -> findById(h, id));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        String name = Validation.username("username", username);
        ensureOpen();
        return withHandle("findByUsername", h -> h.createQuery(SELECT_USERS + " where u.username = :username")
                .bind("username", name)
                .map(USERS)
                .findOne());
    }

    @Override
    public long count() {
        ensureOpen();
        return withHandle("count", JdbiUserStore::countUsers);
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        ensureOpen();
        // One transaction, so the total and the page are read from the same state.
        return inTransaction("page", h -> {
            long total = countUsers(h);
            List<User> items = h.createQuery(SELECT_USERS + " order by u.username limit :limit offset :offset")
                    .bind("limit", pageSize)
                    .bind("offset", Page.offset(pageNumber, pageSize))
                    .map(USERS)
                    .list();
            return new Page<>(items, pageNumber, pageSize, total);
        });
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        Validation.pageSize("limit", limit);
        ensureOpen();
        if (afterUsername == null) {
            return withHandle("listAfter", h -> h.createQuery(SELECT_USERS + " order by u.username limit :limit")
                    .bind("limit", limit)
                    .map(USERS)
                    .list());
        }
        String after = afterUsername.toLowerCase(Locale.ROOT);
        return withHandle("listAfter", h -> h.createQuery(SELECT_USERS
                        + " where u.username > :after order by u.username limit :limit")
                .bind("after", after)
                .bind("limit", limit)
                .map(USERS)
                .list());
    }

    @Override
    public List<User> search(UserQuery query) {
        Validation.require("query", query);
        ensureOpen();
        // Fixed SQL fragments, chosen in Java by which criteria are present, each with a named
        // parameter; the values are bound together with bindMap. Jdbi's default template engine
        // has no conditionals (those need the StringTemplate 4 or FreeMarker plug-in), and plain
        // Java keeps every fragment a constant a reader can see.
        StringJoiner where = new StringJoiner(" and ", " where ", "").setEmptyValue("");
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
            case USERNAME_ASC -> " order by u.username, u.id";
            case CREATED_DESC -> " order by u.created_at desc, u.id desc";
        };
        values.put("limit", query.limit());
        String sql = SELECT_USERS + where + orderBy + " limit :limit";
        return withHandle("search", h -> h.createQuery(sql).bindMap(values).map(USERS).list());
    }

    @Override
    public Stream<User> streamAll() {
        ensureOpen();
        // withHandle would close the handle as soon as it returned, before the caller reads a
        // row. So the handle is opened here and closed by the stream: Jdbi closes its statement
        // and result set when the stream closes, and the onClose added after it ends the
        // transaction and gives the connection back. PostgreSQL honours the fetch size only
        // inside a transaction (otherwise it reads every row at once); H2 and MariaDB ignore it.
        Handle handle = null;
        try {
            handle = jdbi.open();
            handle.begin();
            Stream<User> rows = handle.createQuery(SELECT_USERS + " order by u.id")
                    .setFetchSize(STREAM_FETCH_SIZE)
                    .map(USERS)
                    .stream();
            Handle held = handle;
            return translating("streamAll", rows).onClose(() -> release("streamAll", held));
        } catch (JdbiException e) {
            StoreException failure = translate("streamAll", e);
            if (handle != null) {
                try {
                    release("streamAll", handle);
                } catch (RuntimeException alsoFailed) {
                    failure.addSuppressed(alsoFailed);
                }
            }
            throw failure;
        }
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        String email = Validation.email("newEmail", newEmail);
        ensureOpen();
        return inTransaction("changeEmail", h -> {
            // The optimistic lock is the WHERE clause; Update.execute() returns the rows it
            // changed, 0 when the version moved on or the user is gone.
            int updated = h.createUpdate("update users set email = :email, version = version + 1"
                            + " where id = :id and version = :expectedVersion")
                    .bind("email", email)
                    .bind("id", id)
                    .bind("expectedVersion", expectedVersion)
                    .execute();
            // Read back either way: the changed user, or which failure it was (2 statements).
            Optional<User> user = findById(h, id);
            if (updated == 0) {
                throw user.isPresent() ? new StaleUserException(id, expectedVersion, null) : UserNotFoundException.forId(id);
            }
            return user.orElseThrow();
        });
    }

    @Override
    public boolean delete(long id) {
        ensureOpen();
        // One statement: the purchases go by the foreign key's ON DELETE CASCADE, never loaded.
        return withHandle("delete", h -> h.createUpdate("delete from users where id = :id")
                .bind("id", id)
                .execute() > 0);
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        Validation.require("purchase", purchase);
        ensureOpen();
        try {
            return withHandle("addPurchase", h -> {
                long id = purchaseIds.take(1, n -> nextValues(h, "purchases_seq", n))[0];
                h.createUpdate("insert into purchases (id, user_id, amount, status, placed_at)"
                                + " values (:id, :userId, :amount, :status, :placedAt)")
                        .bind("id", id)
                        .bind("userId", userId)
                        .bind("amount", purchase.amount())
                        .bind("status", purchase.status().name())
                        .bind("placedAt", utc(purchase.placedAt()))
                        .execute();
                return purchase.toPurchase(id, userId);
            });
        } catch (UserNotFoundException e) {
            // The foreign key refused the row: say which user.
            throw new UserNotFoundException("no user with id " + userId, e.getCause());
        }
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        ensureOpen();
        // One statement: the user joined to its purchases, folded by the row reducer.
        return withHandle("findWithPurchases", h -> h.createQuery("select " + USER_COLUMNS + ", " + PURCHASE_COLUMNS
                        + " from users u left join purchases p on p.user_id = u.id"
                        + " where u.id = :id order by p.placed_at, p.id")
                .bind("id", userId)
                .reduceRows(USERS_WITH_PURCHASES)
                .findFirst());
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        ensureOpen();
        // One statement, a deferred join as in the JDBC reference: the derived table picks the
        // page's ids from the username index alone (so the limit counts users, not joined rows),
        // then only those users are read whole and joined to their purchases. With "select * ...
        // limit offset" in the derived table MariaDB sorted every whole row (see the README).
        return withHandle("pageWithPurchases", h -> h.createQuery("select " + USER_COLUMNS + ", " + PURCHASE_COLUMNS
                        + " from (select id from users order by username limit :limit offset :offset) k"
                        + " join users u on u.id = k.id"
                        + " left join purchases p on p.user_id = u.id"
                        + " order by u.username, p.placed_at, p.id")
                .bind("limit", pageSize)
                .bind("offset", Page.offset(pageNumber, pageSize))
                .reduceRows(USERS_WITH_PURCHASES)
                .toList());
    }

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        Instant before = Validation.instant("cutoff", cutoff);
        ensureOpen();
        return withHandle("cancelPurchasesPlacedBefore", h -> h.createUpdate("update purchases set status = :cancelled"
                        + " where status in (:new, :paid) and placed_at < :cutoff")
                .bind("cancelled", PurchaseStatus.CANCELLED.name())
                .bind("new", PurchaseStatus.NEW.name())
                .bind("paid", PurchaseStatus.PAID.name())
                .bind("cutoff", utc(before))
                .execute());
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        Instant from = Validation.instant("since", since);
        Validation.pageSize("limit", limit);
        ensureOpen();
        return withHandle("topSpenders", h -> h.createQuery(
                        "select u.id, u.username, count(*) as purchase_count, sum(p.amount) as total"
                                + " from purchases p join users u on u.id = p.user_id"
                                + " where p.placed_at >= :since and p.status <> :cancelled"
                                + " group by u.id, u.username"
                                + " order by total desc, u.username limit :limit")
                .bind("since", utc(from))
                .bind("cancelled", PurchaseStatus.CANCELLED.name())
                .bind("limit", limit)
                .map(SPENDERS)
                .list());
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        Validation.distinct("removeId", keepId, removeId);
        ensureOpen();
        return inTransaction("mergeUsers", h -> {
            // 1. Both users must exist; lock them (in id order, so two merges cannot deadlock).
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
            // 2-4. Move the purchases in one statement, delete, bump the version. Any failure
            // propagates out of inTransaction, which rolls all of it back.
            h.createUpdate("update purchases set user_id = :keepId where user_id = :removeId")
                    .bind("keepId", keepId)
                    .bind("removeId", removeId)
                    .execute();
            h.createUpdate("delete from users where id = :id").bind("id", removeId).execute();
            h.createUpdate("update users set version = version + 1 where id = :id").bind("id", keepId).execute();
            // 5. The kept user as it is now.
            return findById(h, keepId).orElseThrow();
        });
    }

    /** Marks the store closed. The {@link Jdbi} holds no connection of its own; the pool stays open. */
    @Override
    public void close() {
        closed = true;
    }

    // ---- plumbing: handles, transactions, exceptions ----

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this JdbiUserStore is closed");
        }
    }

    /**
     * A handle for one statement, in autocommit, closed when the callback returns.
     * https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html#withHandle(org.jdbi.v3.core.HandleCallback)
     */
    private <T> T withHandle(String operation, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw translate(operation, e);
        }
    }

    /**
     * A handle in a transaction: committed when the callback returns, rolled back when it throws
     * (our own exceptions too), closed either way. https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html#inTransaction(org.jdbi.v3.core.HandleCallback)
     */
    private <T> T inTransaction(String operation, HandleCallback<T, RuntimeException> work) {
        try {
            return jdbi.inTransaction(work);
        } catch (JdbiException e) {
            throw translate(operation, e);
        }
    }

    private static Optional<User> findById(Handle h, long id) {
        return h.createQuery(USER_BY_ID).bind("id", id).map(USERS).findOne();
    }

    private static long countUsers(Handle h) {
        return h.createQuery("select count(*) from users").mapTo(long.class).one();
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
     * An {@code Instant} as an {@code OffsetDateTime} at UTC, which Jdbi's built-in java.time
     * support binds with {@code setObject(i, value, Types.TIMESTAMP_WITH_TIMEZONE)} (JDBC 4.2).
     * Jdbi's built-in {@code Instant} argument binds a {@code java.sql.Timestamp} instead, which
     * the drivers turn into wall-clock time in the JVM's default zone. Measured with
     * {@code -Duser.timezone=Pacific/Chatham}: an {@code Instant} in the hour the clocks go back
     * came back an hour off on H2 and MariaDB, and one before 1582 came back days off on
     * PostgreSQL and MariaDB ({@code Timestamp} uses the Julian calendar there). As
     * {@code OffsetDateTime} both came back exactly, except the overlap hour on MariaDB, whose
     * driver also needs {@code preserveInstants=true} to stop converting to the JVM's zone (a
     * pool setting in {@code common}, see README).
     * https://jdbi.org/apidocs/org/jdbi/v3/core/argument/package-summary.html
     */
    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The contract's exception for a Jdbi failure: the first {@link SQLException} in its causes, translated. */
    private static StoreException translate(String operation, JdbiException e) {
        SQLException sql = null;
        for (Throwable t = e; t != null && sql == null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                sql = s;
            }
        }
        return SqlErrorTranslator.translate(operation, e, sql);
    }

    /** Ends the read-only transaction of a stream and gives its connection back. */
    private static void release(String operation, Handle handle) {
        try (handle) {
            handle.rollback();
        } catch (JdbiException e) {
            throw translate(operation, e);
        }
    }

    /** The same stream, raising the contract's exceptions for failures while rows are fetched. */
    private static <T> Stream<T> translating(String operation, Stream<T> rows) {
        Spliterator<T> source = rows.spliterator();
        Spliterator<T> translated = new Spliterators.AbstractSpliterator<T>(Long.MAX_VALUE,
                source.characteristics() & ~(Spliterator.SIZED | Spliterator.SUBSIZED)) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                try {
                    return source.tryAdvance(action);
                } catch (JdbiException e) {
                    throw translate(operation, e);
                }
            }
        };
        return StreamSupport.stream(translated, false).onClose(rows::close);
    }
}
