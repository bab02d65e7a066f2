package dev.fourways.mapperxml;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.db.Database;
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
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.SqlErrorTranslator;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.TransactionIsolationLevel;

/**
 * The MyBatis XML-mapper store. The SQL and the result maps live in {@code UserMapper.xml} and
 * {@code PurchaseMapper.xml}; this class opens one {@link SqlSession} per operation in
 * try-with-resources, calls the mapper interfaces, and ends the transaction
 * (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API, SqlSession</a>).
 *
 * <p>The session a method opens follows {@code UserStore}'s transaction policy:
 * <ul>
 *   <li>{@code openSession(true)}, auto-commit, for every one-statement operation, writes included
 *       ({@code upsert} on PostgreSQL and MariaDB among them): the statement is its own transaction
 *       and MyBatis calls neither {@code commit()} nor {@code rollback()} on the connection.</li>
 *   <li>{@code openSession()} (or {@code openSession(ExecutorType.BATCH)} for {@code createAll},
 *       {@code openSession(TransactionIsolationLevel)} at the database's snapshot isolation for
 *       {@code page}, see {@link #page}), one transaction, for {@code createAll}, {@code page},
 *       {@code changeEmail} and {@code mergeUsers}: the method calls {@code commit()} at its end;
 *       a failure leaves by the try-with-resources, whose {@code close()} rolls back a session
 *       that wrote. MyBatis skips the JDBC commit or rollback of a session in which only selects
 *       ran ("Transaction Control Methods" on the Java API page), so {@code page} commits with
 *       {@code commit(true)} and {@code mergeUsers} rolls back with {@code rollback(true)} when a
 *       user is missing.</li>
 *   <li>{@code upsert} on H2 ({@code openSession()}, its merge and read in one transaction) and
 *       {@code claimPaidPurchases} ({@code openSession(TransactionIsolationLevel.READ_COMMITTED)},
 *       its lock and update in one transaction): see each method.</li>
 *   <li>{@code streamAll}: a session held by the stream until it is closed.</li>
 * </ul>
 * A session is not thread-safe and never outlives its call (but under {@code streamAll}'s
 * stream); the {@link SqlSessionFactory} is, so the store is thread-safe.
 *
 * <p>Errors: MyBatis wraps every {@code SQLException} in a {@code PersistenceException}, and
 * core MyBatis documents no hook to translate it (see the module README); this store lets it escape,
 * and the contract's guard reads the {@code SQLException} inside (a lost connection, a deadlock, a
 * timeout become the contract's {@code TransientStoreException}s there). A rollback that fails
 * on a connection the server or the pool already ended does not hide the failure that caused it:
 * {@code SqlSession.close()} rolls back through {@code BaseExecutor.close}, which catches and only
 * logs the {@code SQLException} of that rollback, and try-with-resources would add anything else
 * {@code close()} threw as suppressed. Every statement carries the store's statement timeout
 * ({@code defaultStatementTimeout}, see {@link SqlSessionFactories}), but {@code streamAll}'s.
 */
public final class MyBatisUserStore implements UserStore {

    /** What {@code cancelPurchasesPlacedBefore} cancels: the purchases not yet CANCELLED. */
    private static final List<PurchaseStatus> CANCELLABLE = List.of(PurchaseStatus.NEW, PurchaseStatus.PAID);

    private final SqlSessionFactory sqlSessionFactory;
    /** Which database: {@link #upsert} runs another statement on H2 (see there). */
    private final Database database;
    /** {@link Database#snapshotIsolation()} as MyBatis's enum: the level {@link #page} opens its session at. */
    private final TransactionIsolationLevel snapshotIsolation;
    private final PooledIds userIds = new PooledIds();
    private final PooledIds purchaseIds = new PooledIds();

    /**
     * Builds the store's {@link SqlSessionFactory} (see {@link SqlSessionFactories}).
     *
     * @param dataSource a pool on a migrated database; never closed by this store
     * @param settings   the statement timeout, MyBatis's {@code defaultStatementTimeout} for every
     *                   statement but {@code streamAll}'s
     * @throws IllegalStateException when the database is not one the mappers support
     */
    public MyBatisUserStore(DataSource dataSource, StoreSettings settings) {
        this.sqlSessionFactory = SqlSessionFactories.build(dataSource, settings);
        this.database = Database.of(dataSource);
        this.snapshotIsolation = isolationLevel(database.snapshotIsolation());
    }

    /**
     * The {@link TransactionIsolationLevel} constant whose JDBC level ({@code getLevel()}, a
     * {@code java.sql.Connection.TRANSACTION_*} constant) is {@code jdbcLevel}.
     */
    private static TransactionIsolationLevel isolationLevel(int jdbcLevel) {
        return Arrays.stream(TransactionIsolationLevel.values())
                .filter(level -> level.getLevel() == jdbcLevel)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no MyBatis isolation level for JDBC level " + jdbcLevel));
    }

    /**
     * One {@code insert}. The id comes from the store's block of reserved ids ({@link PooledIds}),
     * with a {@code nextIdBlocks} select first only when the block is used up, rather than a
     * {@code <selectKey>}: that would cost a sequence call per row and needs a settable id, which
     * the {@link User} record does not have.
     */
    @Override
    public User create(NewUser user) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            UserMapper users = session.getMapper(UserMapper.class);
            User created = user.toUser(userIds.take(1, users::nextIdBlocks)[0]);
            users.insert(created);
            return created;
        }
    }

    /**
     * A {@link ExecutorType#BATCH} session: each {@code insert} only adds a row to one JDBC batch,
     * which {@code commit()} flushes before it commits. 1,000 users cost two round trips, the id
     * reservation and the batch; a duplicate fails the batch and {@code close()} rolls it back.
     */
    @Override
    public List<User> createAll(List<NewUser> users) {
        try (SqlSession session = sqlSessionFactory.openSession(ExecutorType.BATCH)) {
            UserMapper mapper = session.getMapper(UserMapper.class);
            long[] ids = userIds.take(users.size(), mapper::nextIdBlocks);
            List<User> created = new ArrayList<>(users.size());
            for (int i = 0; i < ids.length; i++) {
                User user = users.get(i).toUser(ids[i]);
                mapper.insert(user);
                created.add(user);
            }
            session.commit();
            return created;
        }
    }

    @Override
    public Optional<User> findById(long id) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).findById(id);
        }
    }

    @Override
    public Optional<User> findByUsername(String username) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).findByUsername(username);
        }
    }

    @Override
    public long count() {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).count();
        }
    }

    /**
     * The total and the rows: two selects in one transaction at the database's snapshot isolation
     * ({@link Database#snapshotIsolation()}: REPEATABLE READ on PostgreSQL and MariaDB, SERIALIZABLE
     * on H2), so both read the same users. Under READ COMMITTED, the default of PostgreSQL and H2,
     * each select would see what was committed when it started, and a user created or deleted in
     * between would be counted by one and not the other.
     *
     * <p>The level is MyBatis's own: {@code openSession(TransactionIsolationLevel)}, a session with a
     * transaction scope (not auto-commit) at that level
     * (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API, SqlSessionFactory</a>).
     * {@code JdbcTransaction} calls {@code setTransactionIsolation} on the connection right after
     * taking it from the pool, before {@code setAutoCommit(false)}, so the level holds from the
     * transaction's first statement. MyBatis does not set it back on {@code close()}; HikariCP does,
     * when the connection returns to the pool (it resets an isolation level that a borrower changed).
     * {@code commit(true)}: only selects ran, so a plain {@code commit()} would send none.
     */
    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        try (SqlSession session = sqlSessionFactory.openSession(snapshotIsolation)) {
            UserMapper users = session.getMapper(UserMapper.class);
            long total = users.count();
            List<User> items = users.page(pageSize, Page.offset(pageNumber, pageSize));
            session.commit(true);
            return new Page<>(items, pageNumber, pageSize, total);
        }
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).listAfter(afterUsername, limit);
        }
    }

    @Override
    public List<User> search(UserQuery query) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).search(query);
        }
    }

    /**
     * A {@link Cursor} over a session that stays open under the stream. Not auto-commit:
     * PostgreSQL only honours the statement's {@code fetchSize} inside a transaction. Closing the
     * stream closes the cursor, ends the read-only transaction with one rollback and hands the
     * connection back.
     */
    @Override
    public Stream<User> streamAll() {
        SqlSession session = sqlSessionFactory.openSession();
        try {
            Cursor<User> cursor = session.getMapper(UserMapper.class).streamAll();
            return StreamSupport.stream(cursor.spliterator(), false).onClose(() -> release(session, cursor));
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The optimistic lock is the {@code update}'s row count: MyBatis has no version check of its
     * own. Only when it is 0 does a second select tell a stale version from a missing user; the
     * {@code close()} that the exception leaves through rolls the transaction back.
     */
    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        try (SqlSession session = sqlSessionFactory.openSession()) {
            UserMapper users = session.getMapper(UserMapper.class);
            if (users.updateEmail(id, expectedVersion, newEmail) == 0) {
                throw users.findById(id).isPresent()
                        ? new StaleUserException(id, expectedVersion, null)
                        : UserNotFoundException.forId(id);
            }
            User changed = users.findById(id).orElseThrow();
            session.commit();
            return changed;
        }
    }

    /** One {@code delete}; the purchases go by the foreign key's {@code ON DELETE CASCADE}. */
    @Override
    public boolean delete(long id) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).delete(id) > 0;
        }
    }

    /** One {@code insert}, its id reserved as in {@link #create}; a missing user fails the foreign key. */
    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            PurchaseMapper purchases = session.getMapper(PurchaseMapper.class);
            Purchase stored = purchase.toPurchase(purchaseIds.take(1, purchases::nextIdBlocks)[0], userId);
            purchases.insert(stored);
            return stored;
        }
    }

    /** One joined select, grouped by the {@code <collection>} of {@code userWithPurchasesResult}. */
    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class).findWithPurchases(userId).map(UserWithPurchasesRow::toRecord);
        }
    }

    /**
     * One joined select over a deferred join (see {@code UserMapper.xml} and the module README).
     * Being one statement it reads one snapshot under any isolation level, so it stays
     * auto-commit: while others write, the page it returns is still at most one page of users,
     * each once, in username order.
     */
    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(UserMapper.class)
                    .pageWithPurchases(pageSize, Page.offset(pageNumber, pageSize))
                    .stream().map(UserWithPurchasesRow::toRecord).toList();
        }
    }

    /** One bulk {@code update} that loads nothing. */
    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(PurchaseMapper.class)
                    .changeStatusPlacedBefore(CANCELLABLE, PurchaseStatus.CANCELLED, cutoff);
        }
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            return session.getMapper(PurchaseMapper.class).topSpenders(since, PurchaseStatus.CANCELLED, limit);
        }
    }

    /**
     * Locks both users ({@code for update}, in id order, so two merges cannot deadlock), then
     * moves the purchases in one statement, deletes, bumps the version and reads the kept user
     * back. When a user is missing only the locking select has run, which MyBatis does not count
     * as a change, so {@code rollback(true)} ends the transaction (and its locks) by a rollback,
     * not by the commit that resetting auto-commit on {@code close()} implies.
     */
    @Override
    public User mergeUsers(long keepId, long removeId) {
        try (SqlSession session = sqlSessionFactory.openSession()) {
            UserMapper users = session.getMapper(UserMapper.class);
            List<Long> present = users.lockByIds(List.of(keepId, removeId));
            for (long id : new long[] {keepId, removeId}) {
                if (!present.contains(id)) {
                    session.rollback(true);
                    throw UserNotFoundException.forId(id);
                }
            }
            session.getMapper(PurchaseMapper.class).moveToUser(removeId, keepId);
            users.delete(removeId);
            users.incrementVersion(keepId);
            User kept = users.findById(keepId).orElseThrow();
            session.commit();
            return kept;
        }
    }

    /**
     * PostgreSQL and MariaDB: the mapper's {@code upsert}, one {@code insert ... returning}
     * statement in an auto-commit session, so it is its own transaction (no commit, no rollback
     * sent). On MariaDB a returned row with another username means {@code ON DUPLICATE KEY UPDATE}
     * matched the e-mail's unique key of another user, whose row the guarded assignments left as
     * it was: the e-mail is taken, nothing was written.
     *
     * <p>H2: {@link #mergeOnH2}, two statements in one transaction; a concurrent insert of the same
     * username can make H2's MERGE raise the duplicate-username error (it is not atomic against
     * it), and then the row exists, so the transaction is run once more and takes the update path
     * ({@code UserStore.upsert}). Only that failure is retried: the contract's translator tells it
     * from the others (a taken e-mail, a timeout), which leave unchanged.
     */
    @Override
    public User upsert(NewUser user) {
        if (database == Database.H2) {
            try {
                return mergeOnH2(user);
            } catch (PersistenceException e) {
                if (SqlErrorTranslator.translate("upsert", e) instanceof DuplicateUserException duplicate
                        && duplicate.field() == DuplicateUserException.Field.USERNAME) {
                    return mergeOnH2(user);
                }
                throw e;
            }
        }
        try (SqlSession session = sqlSessionFactory.openSession(true)) {
            User stored = session.getMapper(UserMapper.class).upsert(user);
            if (!stored.username().equals(user.username())) {
                throw new DuplicateUserException(DuplicateUserException.Field.EMAIL, null);
            }
            return stored;
        }
    }

    /**
     * H2's upsert: {@code MERGE ... USING} on the username, then the row read back, in one
     * transaction (the merged row stays locked until the commit, so the read returns what this
     * call wrote). A failure leaves through {@code close()}, which rolls the merge back.
     */
    private User mergeOnH2(NewUser user) {
        try (SqlSession session = sqlSessionFactory.openSession()) {
            UserMapper users = session.getMapper(UserMapper.class);
            users.mergeByUsername(user);
            User stored = users.findByUsername(user.username()).orElseThrow();
            session.commit();
            return stored;
        }
    }

    /**
     * A worker's claim: {@code lockOldestInStatus} ({@code for update skip locked}), then one
     * {@code update ... where id in (...)} of the rows it locked, in one transaction at READ
     * COMMITTED on every database, which {@code openSession(TransactionIsolationLevel)} sets on the
     * connection before the transaction starts
     * (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API, SqlSessionFactory</a>).
     * READ COMMITTED is the default of PostgreSQL and H2; MariaDB's default REPEATABLE READ made
     * a claim wait for the rows another claim held instead of skipping them. The rows are
     * returned as the update left them, SHIPPED, in the order they were read.
     *
     * <p>{@code commit(true)}: when nothing was locked only a select ran, and a plain
     * {@code commit()} would send no commit; forcing it ends the transaction the same way every
     * time (one commit), not by the implicit commit of resetting auto-commit on {@code close()}.
     */
    @Override
    public List<Purchase> claimPaidPurchases(int limit) {
        try (SqlSession session = sqlSessionFactory.openSession(TransactionIsolationLevel.READ_COMMITTED)) {
            PurchaseMapper purchases = session.getMapper(PurchaseMapper.class);
            List<Purchase> locked = purchases.lockOldestInStatus(PurchaseStatus.PAID, limit);
            if (!locked.isEmpty()) {
                purchases.changeStatusOfIds(locked.stream().map(Purchase::id).toList(), PurchaseStatus.SHIPPED);
            }
            session.commit(true);
            return locked.stream()
                    .map(p -> new Purchase(p.id(), p.userId(), p.amount(), PurchaseStatus.SHIPPED, p.placedAt()))
                    .toList();
        }
    }

    /** Nothing to release: the {@code SqlSessionFactory} holds no resources, the DataSource is the caller's. */
    @Override
    public void close() {
    }

    /**
     * Ends {@code streamAll}'s session: the cursor first (MariaDB's driver, asked to send a
     * statement while a streaming result set is not fully read, first loads all its remaining rows
     * into memory), then one rollback, which MyBatis would skip for a session that only selected,
     * then the connection back to the pool.
     */
    private static void release(SqlSession session, Cursor<User> cursor) {
        try (session) {
            cursor.close();
            session.rollback(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
