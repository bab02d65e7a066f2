package dev.fourways.mapperxml;

import dev.fourways.UserStore;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/**
 * The MyBatis XML-mapper store: the SQL and the result maps live in {@code UserMapper.xml} and
 * {@code PurchaseMapper.xml}; this class only opens a {@code SqlSession} per operation, calls the
 * mappers, and ends the transaction.
 *
 * <p>Sessions (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API,
 * SqlSessions</a>) follow the contract's transaction policy. Every one-statement operation, the
 * writes {@code create}, {@code delete}, {@code addPurchase} and
 * {@code cancelPurchasesPlacedBefore} included, runs in an auto-commit session
 * ({@code openSession(true)}): no {@code commit()} or {@code rollback()} reaches the connection,
 * as on {@code JdbcUserStore}'s auto-commit connection. {@code createAll}, {@code page},
 * {@code changeEmail} and {@code mergeUsers} run in a session committed once ({@code commit(true)})
 * when the work returns and rolled back once ({@code rollback(true)}) on any failure;
 * {@code createAll} uses an {@link ExecutorType#BATCH} session. {@code streamAll} holds one
 * transaction while its stream is open and rolls it back when the stream closes. A session is
 * not thread-safe and never outlives its call (except under {@link #streamAll()}'s stream, until
 * it is closed); the {@link SqlSessionFactory} is shared, so the store is thread-safe.
 *
 * <p>Errors: MyBatis wraps every {@code SQLException} in a {@link PersistenceException} (a
 * {@code BatchExecutorException} around a {@code BatchUpdateException} for batches); the store
 * unwraps it and lets {@link SqlErrorTranslator} pick the contract's exception.
 */
public final class MyBatisUserStore implements UserStore {

    private final SqlSessionFactory sqlSessionFactory;
    private final PooledIds userIds = new PooledIds();
    private final PooledIds purchaseIds = new PooledIds();
    private volatile boolean closed;

    /**
     * Builds the store's {@link SqlSessionFactory} (see {@link SqlSessionFactories}).
     *
     * @param dataSource a pool on a migrated database; never closed by this store
     * @throws IllegalStateException when the database cannot be reached or is not supported
     */
    public MyBatisUserStore(DataSource dataSource) {
        this.sqlSessionFactory = SqlSessionFactories.build(Validation.require("dataSource", dataSource));
    }

    @Override
    public User create(NewUser user) {
        Validation.require("user", user);
        ensureOpen();
        // One INSERT in an auto-commit session, its own transaction; the id comes from the
        // store's block of reserved ids, with a sequence call first only when the block is used up.
        return autoCommit("create", session -> {
            UserMapper mapper = session.getMapper(UserMapper.class);
            User created = user.toUser(userIds.take(1, n -> longs(mapper.nextIdBlocks(n)))[0]);
            mapper.insert(created);
            return created;
        });
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        Validation.requireEach("users", users);
        ensureOpen();
        if (users.isEmpty()) {
            return List.of();
        }
        // BATCH: every insert call only adds a row to one JDBC batch; flushStatements() sends it.
        // So 1,000 users cost two round trips: the id reservation and the batch.
        return inTransaction("createAll", ExecutorType.BATCH, session -> {
            UserMapper mapper = session.getMapper(UserMapper.class);
            long[] ids = userIds.take(users.size(), n -> longs(mapper.nextIdBlocks(n)));
            List<User> created = new ArrayList<>(users.size());
            for (int i = 0; i < users.size(); i++) {
                User user = users.get(i).toUser(ids[i]);
                mapper.insert(user);
                created.add(user);
            }
            // A duplicate fails here (BatchExecutorException); inTransaction rolls the batch back.
            session.flushStatements();
            return created;
        });
    }

    @Override
    public Optional<User> findById(long id) {
        ensureOpen();
        return autoCommit("findById", session -> session.getMapper(UserMapper.class).findById(id));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        String name = Validation.username("username", username);
        ensureOpen();
        return autoCommit("findByUsername", session -> session.getMapper(UserMapper.class).findByUsername(name));
    }

    @Override
    public long count() {
        ensureOpen();
        return autoCommit("count", session -> session.getMapper(UserMapper.class).count());
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        ensureOpen();
        // One transaction, so the total and the rows describe the same moment.
        return inTransaction("page", ExecutorType.SIMPLE, session -> {
            UserMapper mapper = session.getMapper(UserMapper.class);
            long total = mapper.count();
            List<User> items = mapper.page(pageSize, Page.offset(pageNumber, pageSize));
            return new Page<>(items, pageNumber, pageSize, total);
        });
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        Validation.pageSize("limit", limit);
        ensureOpen();
        String after = afterUsername == null ? null : afterUsername.toLowerCase(Locale.ROOT);
        return autoCommit("listAfter", session -> session.getMapper(UserMapper.class).listAfter(after, limit));
    }

    @Override
    public List<User> search(UserQuery query) {
        Validation.require("query", query);
        ensureOpen();
        return autoCommit("search", session -> session.getMapper(UserMapper.class).search(query));
    }

    @Override
    public Stream<User> streamAll() {
        ensureOpen();
        // Not auto-commit: PostgreSQL only honours the statement's fetchSize inside a transaction.
        SqlSession session = sqlSessionFactory.openSession();
        try {
            Cursor<User> cursor = session.getMapper(UserMapper.class).streamAll();
            return StreamSupport.stream(rows(cursor.iterator()), false).onClose(() -> release(session, cursor));
        } catch (RuntimeException e) {
            session.close();
            throw e instanceof PersistenceException ? translate("streamAll", e) : e;
        }
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        String email = Validation.email("newEmail", newEmail);
        ensureOpen();
        return inTransaction("changeEmail", ExecutorType.SIMPLE, session -> {
            UserMapper mapper = session.getMapper(UserMapper.class);
            if (mapper.updateEmail(id, expectedVersion, email) == 0) {
                // Only on failure: tell a stale version from a missing user. MyBatis has no
                // optimistic-lock exception of its own: the row count is the answer.
                throw mapper.findById(id).isPresent()
                        ? new StaleUserException(id, expectedVersion, null)
                        : UserNotFoundException.forId(id);
            }
            return mapper.findById(id).orElseThrow();
        });
    }

    @Override
    public boolean delete(long id) {
        ensureOpen();
        return autoCommit("delete", session -> session.getMapper(UserMapper.class).delete(id) > 0);
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        Validation.require("purchase", purchase);
        ensureOpen();
        try {
            return autoCommit("addPurchase", session -> {
                PurchaseMapper mapper = session.getMapper(PurchaseMapper.class);
                long id = purchaseIds.take(1, n -> longs(mapper.nextIdBlocks(n)))[0];
                Purchase stored = purchase.toPurchase(id, userId);
                mapper.insert(stored);
                return stored;
            });
        } catch (UserNotFoundException e) {
            // The foreign key refused the row: say which user.
            throw new UserNotFoundException("no user with id " + userId, e.getCause());
        }
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        ensureOpen();
        return autoCommit("findWithPurchases", session -> Optional
                .ofNullable(session.getMapper(UserMapper.class).findWithPurchases(userId))
                .map(UserWithPurchasesRow::toRecord));
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        ensureOpen();
        List<UserWithPurchasesRow> rows = autoCommit("pageWithPurchases", session -> session.getMapper(UserMapper.class)
                .pageWithPurchases(pageSize, Page.offset(pageNumber, pageSize)));
        List<UserWithPurchases> page = new ArrayList<>(rows.size());
        for (UserWithPurchasesRow row : rows) {
            page.add(row.toRecord());
        }
        return page;
    }

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        Instant before = Validation.instant("cutoff", cutoff);
        ensureOpen();
        return autoCommit("cancelPurchasesPlacedBefore", session -> session
                .getMapper(PurchaseMapper.class)
                .changeStatusPlacedBefore(List.of(PurchaseStatus.NEW, PurchaseStatus.PAID), PurchaseStatus.CANCELLED, before));
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        Instant from = Validation.instant("since", since);
        Validation.pageSize("limit", limit);
        ensureOpen();
        return autoCommit("topSpenders", session -> session.getMapper(PurchaseMapper.class)
                .topSpenders(from, PurchaseStatus.CANCELLED, limit));
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        Validation.distinct("removeId", keepId, removeId);
        ensureOpen();
        return inTransaction("mergeUsers", ExecutorType.SIMPLE, session -> {
            UserMapper users = session.getMapper(UserMapper.class);
            // 1. Both users must exist; lock them (in id order, so two merges cannot deadlock).
            List<Long> present = users.lockByIds(List.of(keepId, removeId));
            for (long id : new long[] {keepId, removeId}) {
                if (!present.contains(id)) {
                    throw UserNotFoundException.forId(id);
                }
            }
            // 2-4. Move the purchases in one statement, delete, bump the version. 5. Read back.
            session.getMapper(PurchaseMapper.class).moveToUser(removeId, keepId);
            users.delete(removeId);
            users.incrementVersion(keepId);
            return users.findById(keepId).orElseThrow();
        });
    }

    /** Marks the store closed. The {@code SqlSessionFactory} holds no resources; the DataSource is the caller's. */
    @Override
    public void close() {
        closed = true;
    }

    // ---- plumbing: sessions, transactions, errors ----

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this MyBatisUserStore is closed");
        }
    }

    /**
     * One statement in an auto-commit session ({@code openSession(true)}): the statement is its
     * own transaction, and MyBatis calls neither {@code commit()} nor {@code rollback()} on the
     * connection (an extra round trip on PostgreSQL and MariaDB that the JDBC reference does not
     * pay). The id reservation before an insert, when a block is used up, is a second statement:
     * sequence values are not transactional anyway.
     */
    private <T> T autoCommit(String operation, Function<SqlSession, T> work) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return work.apply(session);
        } catch (PersistenceException e) {
            throw translate(operation, e);
        }
    }

    /** One session, one transaction: committed when the work returns, rolled back on any failure. */
    private <T> T inTransaction(String operation, ExecutorType executorType, Function<SqlSession, T> work) {
        try (SqlSession session = sqlSessionFactory.openSession(executorType)) {
            try {
                T result = work.apply(session);
                // Forced: MyBatis skips the JDBC commit of a session that only selected (page),
                // leaving the transaction to end silently by the auto-commit reset on close.
                session.commit(true);
                return result;
            } catch (RuntimeException e) {
                rollback(session, e);
                throw e;
            }
        } catch (PersistenceException e) {
            throw translate(operation, e);
        }
    }

    /**
     * Forced: MyBatis skips the JDBC rollback of a session it thinks clean (only selects ran), and
     * then only the auto-commit reset on close would end the transaction (and its row locks).
     */
    private static void rollback(SqlSession session, RuntimeException failure) {
        try {
            session.rollback(true);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Ends the stream's read-only transaction and hands the connection back. */
    private static void release(SqlSession session, Cursor<User> cursor) {
        try (session) {
            cursor.close();
            session.rollback(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PersistenceException e) {
            throw translate("streamAll", e);
        }
    }

    /** The cursor's rows; an SQL failure while fetching is translated like any other. */
    private static Spliterator<User> rows(Iterator<User> cursor) {
        return new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super User> action) {
                User next;
                try {
                    if (!cursor.hasNext()) {
                        return false;
                    }
                    next = cursor.next();
                } catch (RuntimeException e) {
                    throw sqlException(e) == null ? e : translate("streamAll", e);
                }
                action.accept(next);
                return true;
            }
        };
    }

    private static StoreException translate(String operation, RuntimeException e) {
        return SqlErrorTranslator.translate(operation, e, sqlException(e));
    }

    /** The SQLException MyBatis wrapped, directly or inside a BatchExecutorException; null if none. */
    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static long[] longs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
