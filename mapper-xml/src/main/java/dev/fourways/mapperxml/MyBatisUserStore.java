package dev.fourways.mapperxml;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.db.Database;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.apache.ibatis.cursor.Cursor;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.executor.BatchResult;
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
 *       {@code createWithPurchases} and {@code changePurchases},
 *       {@code openSession(TransactionIsolationLevel)} at the database's snapshot isolation for
 *       {@code page}, see {@link #page}), one transaction, for {@code createAll},
 *       {@code createWithPurchases}, {@code changePurchases}, {@code page},
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
 * <p>{@link #inUnitOfWork} opens one session for a whole request instead, and hands the work this
 * store bound to it (a private constructor): each method then runs on the unit's session and
 * leaves its transaction alone. Every method asks for its session through one of four small
 * methods ({@link #autoCommit()}, {@link #transaction()}, {@link #transaction(TransactionIsolationLevel)},
 * {@link #batch()}), which open the session the policy above names, or join the unit's; a
 * {@link CallSession} then commits, rolls back and closes only a session the call opened itself.
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
    private final PooledIds userIds;
    private final PooledIds purchaseIds;
    /**
     * The unit of work's session when this store is the one {@link #inUnitOfWork} hands its work;
     * null for the store itself, which opens a session per call. The bound store lives no longer
     * than its unit (MyBatis's rule: a session belongs to one request and one thread).
     */
    private final SqlSession unit;

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
        this.userIds = new PooledIds();
        this.purchaseIds = new PooledIds();
        this.unit = null;
    }

    /** The same store, bound to one unit of work's session: every call runs on it. */
    private MyBatisUserStore(MyBatisUserStore store, SqlSession unit) {
        this.sqlSessionFactory = store.sqlSessionFactory;
        this.database = store.database;
        this.snapshotIsolation = store.snapshotIsolation;
        this.userIds = store.userIds;
        this.purchaseIds = store.purchaseIds;
        this.unit = unit;
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
        try (CallSession session = autoCommit()) {
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
     * Inside a unit of work the batch runs on the unit's connection (see {@link #batch()}) and
     * {@code commit()} only flushes it: the same two round trips, committed with the unit.
     */
    @Override
    public List<User> createAll(List<NewUser> users) {
        try (CallSession session = batch()) {
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
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class).findById(id);
        }
    }

    @Override
    public Optional<User> findByUsername(String username) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class).findByUsername(username);
        }
    }

    @Override
    public long count() {
        try (CallSession session = autoCommit()) {
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
     *
     * <p>Inside a unit of work both selects run on the unit's session, at its READ COMMITTED
     * ({@code UserStore.inUnitOfWork}): the level of a transaction is fixed when it starts.
     */
    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        try (CallSession session = transaction(snapshotIsolation)) {
            UserMapper users = session.getMapper(UserMapper.class);
            long total = users.count();
            List<User> items = users.page(pageSize, Page.offset(pageNumber, pageSize));
            session.commit(true);
            return new Page<>(items, pageNumber, pageSize, total);
        }
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class).listAfter(afterUsername, limit);
        }
    }

    @Override
    public List<User> search(UserQuery query) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class).search(query);
        }
    }

    /**
     * A {@link Cursor} over a session that stays open under the stream. Not auto-commit:
     * PostgreSQL only honours the statement's {@code fetchSize} inside a transaction. Closing the
     * stream closes the cursor, ends the read-only transaction with one rollback and hands the
     * connection back. Inside a unit of work the cursor runs on the unit's session, so it sees the
     * unit's writes; closing the stream closes only the cursor.
     */
    @Override
    public Stream<User> streamAll() {
        CallSession session = transaction();
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
        try (CallSession session = transaction()) {
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
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class).delete(id) > 0;
        }
    }

    /** One {@code insert}, its id reserved as in {@link #create}; a missing user fails the foreign key. */
    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        try (CallSession session = autoCommit()) {
            PurchaseMapper purchases = session.getMapper(PurchaseMapper.class);
            Purchase stored = purchase.toPurchase(purchaseIds.take(1, purchases::nextIdBlocks)[0], userId);
            purchases.insert(stored);
            return stored;
        }
    }

    /** One joined select, grouped by the {@code <collection>} of {@code userWithPurchasesResult}. */
    @Override
    public Optional<PurchaseWithUser> findPurchase(long purchaseId) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(PurchaseMapper.class).findPurchase(purchaseId);
        }
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class).findWithPurchases(userId).map(UserWithPurchasesRow::toRecord);
        }
    }

    /**
     * A graph insert in one {@link ExecutorType#BATCH} session ({@link #batch()}, as
     * {@link #createAll}): at most 4 round trips and one commit, whatever the number of purchases.
     * <ol>
     *   <li>The ids first, from the reserved blocks ({@code nextIdBlocks}, only when a block is used
     *       up): the user's key is known before anything is written and is carried down to the
     *       purchases, with no generated key to read back. They come first because a select in a
     *       {@code BATCH} session flushes the statements queued before it
     *       (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API</a>, ExecutorType.BATCH):
     *       taken between the inserts, it would split them into more batches.</li>
     *   <li>The user's {@code insert} and the purchases' {@code insert}s, the mappers' existing
     *       statements, only queued: the {@code BatchExecutor} keeps one JDBC batch per run of one
     *       statement.</li>
     *   <li>{@code commit()} flushes them, two batches in the order queued (the user before the rows
     *       whose foreign key names it), then commits. A duplicate user or a failing purchase fails
     *       its batch, and the {@code close()} the exception leaves through rolls both back: all or
     *       nothing. Inside a unit of work the commit only flushes.</li>
     * </ol>
     */
    @Override
    public UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases) {
        try (CallSession session = batch()) {
            UserMapper users = session.getMapper(UserMapper.class);
            PurchaseMapper purchaseMapper = session.getMapper(PurchaseMapper.class);
            User created = user.toUser(userIds.take(1, users::nextIdBlocks)[0]);
            List<Purchase> stored = withReservedIds(purchaseMapper, created.id(), purchases);
            users.insert(created);
            stored.forEach(purchaseMapper::insert);
            session.commit();
            return UserWithPurchases.sorted(created, stored);
        }
    }

    /**
     * Adds, changes and removes a user's purchases in one {@link ExecutorType#BATCH} session
     * ({@link #batch()}): at most 6 round trips and one commit, whatever the number of purchases,
     * in the reference's order.
     * <ol>
     *   <li><b>The optimistic lock</b>: {@code incrementVersionFrom} ({@code update ... where id = ?
     *       and version = ?}), flushed at once with {@code flushStatements()}: in a {@code BATCH}
     *       session an update only queues and returns a placeholder
     *       ({@code BatchExecutor.BATCH_UPDATE_RETURN_VALUE}), and its row count comes back in the
     *       {@link BatchResult} of the flush
     *       (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API</a>, "Batch update statement
     *       Flush Method"). Letting the next select flush it would lose that count. 0 rows: a
     *       {@code findById} tells a stale version from a missing user, and the exception leaves
     *       through {@code close()}, which rolls back (the session ran an update, so it is dirty). The
     *       updated row stays locked until the commit, so two calls for one user never interleave.</li>
     *   <li><b>The aggregate as it is now</b>, in one statement: {@code findWithPurchases}, its
     *       {@code <collection>} result map reused. The ownership check is in Java, against what
     *       was read: a purchase to change or remove that is not among them raises
     *       {@link PurchaseNotFoundException} before anything else is queued.</li>
     *   <li><b>Ids for the additions</b> ({@code nextIdBlocks}, only when the block is used up),
     *       before any write is queued: a select would flush what is queued.</li>
     *   <li><b>One batch per kind of change</b>: the {@code insert}s, the
     *       {@code changeAmountAndStatus} updates, the {@code deleteById} deletes, queued in three
     *       runs, flushed as three JDBC batches by {@code commit()}, which then commits. Nothing is
     *       sent for a kind with no item. A failing batch fails the call, and {@code close()} rolls
     *       back the version and every batch before it.</li>
     * </ol>
     * The result is computed from what was read and what was written, as the reference does, not
     * read again. Inside a unit of work the session is a {@code BATCH} session on the unit's
     * connection, and the commit only flushes.
     */
    @Override
    public UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes) {
        try (CallSession session = batch()) {
            UserMapper users = session.getMapper(UserMapper.class);
            PurchaseMapper purchaseMapper = session.getMapper(PurchaseMapper.class);
            users.incrementVersionFrom(userId, expectedVersion);
            if (rowsUpdated(session.flushStatements()) == 0) {
                throw users.findById(userId).isPresent()
                        ? new StaleUserException(userId, expectedVersion, null)
                        : UserNotFoundException.forId(userId);
            }
            UserWithPurchases current = users.findWithPurchases(userId).orElseThrow().toRecord();
            changes.firstNotAmong(current.purchases()).ifPresent(id -> {
                throw new PurchaseNotFoundException(userId, id);
            });
            List<Purchase> added = withReservedIds(purchaseMapper, userId, changes.add());
            added.forEach(purchaseMapper::insert);
            changes.change().forEach(purchaseMapper::changeAmountAndStatus);
            changes.remove().forEach(purchaseMapper::deleteById);
            session.commit();
            return new UserWithPurchases(current.user(), changes.applyTo(current.purchases(), added));
        }
    }

    /** The purchases as they will be stored: ids from the reserved block, one select at most; none for none. */
    private List<Purchase> withReservedIds(PurchaseMapper purchases, long userId, List<NewPurchase> given) {
        if (given.isEmpty()) {
            return List.of();
        }
        long[] ids = purchaseIds.take(given.size(), purchases::nextIdBlocks);
        List<Purchase> stored = new ArrayList<>(given.size());
        for (int i = 0; i < ids.length; i++) {
            stored.add(given.get(i).toPurchase(ids[i], userId));
        }
        return stored;
    }

    /**
     * The row count of the one update a flush sent: one {@link BatchResult} (one statement) with one
     * update count (one parameter set). The drivers report exact counts for batched updates here
     * (on MariaDB because {@code useBulkStmts} stays off, see {@code Database.MARIADB}); a driver
     * that answered {@code Statement.SUCCESS_NO_INFO} would leave the lock unchecked, so that is
     * refused rather than read as success.
     */
    private static int rowsUpdated(List<BatchResult> flushed) {
        if (flushed.size() != 1 || flushed.get(0).getUpdateCounts().length != 1) {
            throw new IllegalStateException("expected the flush of one update, got " + flushed.size() + " batch(es)");
        }
        int rows = flushed.get(0).getUpdateCounts()[0];
        if (rows < 0) {
            throw new IllegalStateException("the driver reported no row count for the version check (" + rows + ")");
        }
        return rows;
    }

    /**
     * One joined select over a deferred join (see {@code UserMapper.xml} and the module README).
     * Being one statement it reads one snapshot under any isolation level, so it stays
     * auto-commit: while others write, the page it returns is still at most one page of users,
     * each once, in username order.
     */
    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(UserMapper.class)
                    .pageWithPurchases(pageSize, Page.offset(pageNumber, pageSize))
                    .stream().map(UserWithPurchasesRow::toRecord).toList();
        }
    }

    /** One bulk {@code update} that loads nothing. */
    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(PurchaseMapper.class)
                    .changeStatusPlacedBefore(CANCELLABLE, PurchaseStatus.CANCELLED, cutoff);
        }
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        try (CallSession session = autoCommit()) {
            return session.getMapper(PurchaseMapper.class).topSpenders(since, PurchaseStatus.CANCELLED, limit);
        }
    }

    /**
     * Locks both users ({@code for update}, in id order, so two merges cannot deadlock), then
     * moves the purchases in one statement, deletes, bumps the version and reads the kept user
     * back. When a user is missing only the locking select has run, which MyBatis does not count
     * as a change, so {@code rollback(true)} ends the transaction (and its locks) by a rollback,
     * not by the commit that resetting auto-commit on {@code close()} implies. Inside a unit of
     * work the exception alone is enough: the unit rolls back.
     */
    @Override
    public User mergeUsers(long keepId, long removeId) {
        try (CallSession session = transaction()) {
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
        try (CallSession session = autoCommit()) {
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
        try (CallSession session = transaction()) {
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
        try (CallSession session = transaction(TransactionIsolationLevel.READ_COMMITTED)) {
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

    /**
     * Runs {@code work} in one {@link SqlSession}, MyBatis's unit of work: the object its docs scope
     * to one request ("open a SqlSession when an HTTP request arrives, close it when the response
     * is returned", <a href="https://mybatis.org/mybatis-3/getting-started.html">Getting started,
     * Scope and Lifecycle</a>). The work gets this store bound to that session; every call it makes
     * runs on the session's one connection and joins its transaction.
     *
     * <ul>
     *   <li><b>READ COMMITTED on every database</b>: {@code openSession(TransactionIsolationLevel)}
     *       makes {@code JdbcTransaction} set the level on the connection as it takes it from the
     *       pool, before {@code setAutoCommit(false)}
     *       (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API, SqlSessionFactory</a>).
     *       MariaDB needs it (its default is REPEATABLE READ); on PostgreSQL and H2 it is the
     *       default already, and is set all the same so that the unit does not depend on the pool's
     *       configuration (HikariCP restores the pool's level when the connection returns).</li>
     *   <li><b>The connection is taken at once</b> ({@code getConnection()}; MyBatis would take it at
     *       the first statement): the unit's transaction starts with it, so that a unit always ends
     *       with exactly one commit, and {@link #batch()} can open its session on it.</li>
     *   <li><b>Commit when the work returns</b>: {@code commit(true)}, forced, because MyBatis
     *       skips the JDBC commit of a session in which only selects ran, and because the inserts of
     *       {@code createAll} ran in a batch session the unit's session does not know about
     *       ("Transaction Control Methods" on the Java API page). <b>Roll back when it throws</b>:
     *       {@code rollback(true)}, then the same exception is rethrown. {@code close()} gives the
     *       connection back to the pool either way.</li>
     *   <li><b>The session's local cache answers nothing twice</b>: {@code localCacheScope=STATEMENT}
     *       (see {@link SqlSessionFactories}) empties it after every statement, so each read goes to
     *       the database and sees what the unit wrote and what others committed since (READ
     *       COMMITTED). The default scope, SESSION, would answer a repeated select from the cache,
     *       blind to other transactions' commits and to the batch session's inserts.</li>
     * </ul>
     *
     * @param work called once with the bound store, which is not thread-safe and must not outlive
     *             the call (the guard around it refuses calls after the unit ended)
     * @return what {@code work} returned, after the commit
     * @throws org.apache.ibatis.exceptions.PersistenceException when the connection cannot be taken
     *         or the commit fails (the guard translates it); nothing is written
     * @throws RuntimeException whatever {@code work} threw, the same instance, after the rollback
     */
    @Override
    public <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work) {
        try (SqlSession session = sqlSessionFactory.openSession(TransactionIsolationLevel.READ_COMMITTED)) {
            session.getConnection(); // the transaction starts now, at READ COMMITTED, auto-commit off
            try {
                R result = work.apply(new MyBatisUserStore(this, session));
                session.commit(true);
                return result;
            } catch (RuntimeException | Error e) {
                rollbackKeeping(session, e);
                throw e;
            }
        }
    }

    /**
     * Rolls the unit back after {@code failure}; when that fails too (the connection is gone), the
     * first failure stays the one thrown, since it says what happened.
     */
    private static void rollbackKeeping(SqlSession session, Throwable failure) {
        try {
            session.rollback(true);
        } catch (RuntimeException onRollback) {
            failure.addSuppressed(onRollback);
        }
    }

    /** Nothing to release: the {@code SqlSessionFactory} holds no resources, the DataSource is the caller's. */
    @Override
    public void close() {
    }

    // ---- the session each call runs on: its own, or its unit's ----

    /** A one-statement call: an auto-commit session ({@code openSession(true)}), or the unit's. */
    private CallSession autoCommit() {
        return unit != null ? CallSession.joined(unit) : CallSession.own(sqlSessionFactory.openSession(true));
    }

    /** A call that is one transaction at the pool's isolation ({@code openSession()}), or the unit's. */
    private CallSession transaction() {
        return unit != null ? CallSession.joined(unit) : CallSession.own(sqlSessionFactory.openSession());
    }

    /**
     * A call that is one transaction at {@code level}, or the unit's, at the unit's level (READ
     * COMMITTED): inside a unit, {@link #page} reads at READ COMMITTED too, as
     * {@code UserStore.inUnitOfWork} says.
     */
    private CallSession transaction(TransactionIsolationLevel level) {
        return unit != null ? CallSession.joined(unit) : CallSession.own(sqlSessionFactory.openSession(level));
    }

    /**
     * The {@link ExecutorType#BATCH} session of {@code createAll}, {@code createWithPurchases} and
     * {@code changePurchases}. A session has one executor type, and
     * the unit's is the configured {@code SIMPLE}, which sends every insert on its own; so inside a
     * unit the batch gets a session of its own on the unit's connection
     * ({@code openSession(ExecutorType, Connection)}, Java API, SqlSessionFactory), which joins
     * the unit's transaction: its commit only flushes the batch. It is never closed: closing a
     * session opened on a given connection resets auto-commit on that connection (an implicit
     * commit of the unit) and closes it ({@code JdbcTransaction.close}); once flushed it holds no
     * statement, and the unit's session closes the connection.
     */
    private CallSession batch() {
        if (unit == null) {
            return CallSession.own(sqlSessionFactory.openSession(ExecutorType.BATCH));
        }
        return CallSession.joined(sqlSessionFactory.openSession(ExecutorType.BATCH, unit.getConnection()));
    }

    /**
     * The session one call runs on. Outside a unit of work the call owns it: it opened it, it ends
     * its transaction, and try-with-resources closes it. Inside a unit the call has joined the
     * unit's: the transaction and the session are the unit's to end, so {@code commit} only
     * flushes what a {@code BATCH} executor queued ({@code flushStatements()}, which sends nothing
     * for the unit's {@code SIMPLE} session), and {@code rollback} and {@code close} do nothing.
     * A call that fails inside a unit raises all the same, and the unit rolls back.
     */
    private record CallSession(SqlSession session, boolean owned) implements AutoCloseable {

        static CallSession own(SqlSession session) {
            return new CallSession(session, true);
        }

        static CallSession joined(SqlSession session) {
            return new CallSession(session, false);
        }

        <T> T getMapper(Class<T> type) {
            return session.getMapper(type);
        }

        void commit() {
            commit(false);
        }

        /**
         * Sends what a {@code BATCH} executor queued, now, in the call's or the unit's transaction,
         * and returns its row counts ({@code SqlSession.flushStatements()}).
         */
        List<BatchResult> flushStatements() {
            return session.flushStatements();
        }

        void commit(boolean force) {
            if (owned) {
                session.commit(force);
            } else {
                session.flushStatements();
            }
        }

        void rollback(boolean force) {
            if (owned) {
                session.rollback(force);
            }
        }

        @Override
        public void close() {
            if (owned) {
                session.close();
            }
        }
    }

    /**
     * Ends {@code streamAll}'s session: the cursor first (MariaDB's driver, asked to send a
     * statement while a streaming result set is not fully read, first loads all its remaining rows
     * into memory), then one rollback, which MyBatis would skip for a session that only selected,
     * then the connection back to the pool. Inside a unit of work only the cursor is closed: the
     * session and its transaction are the unit's.
     */
    private static void release(CallSession session, Cursor<User> cursor) {
        try (session) {
            cursor.close();
            session.rollback(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
