package dev.fourways.sqllayer;

import static dev.fourways.sqllayer.generated.Indexes.PURCHASES_PLACED_IDX;
import static dev.fourways.sqllayer.generated.Keys.PURCHASES_USER_FK;
import static dev.fourways.sqllayer.generated.Sequences.PURCHASES_SEQ;
import static dev.fourways.sqllayer.generated.Sequences.USERS_SEQ;
import static dev.fourways.sqllayer.generated.Tables.PURCHASES;
import static dev.fourways.sqllayer.generated.Tables.USERS;
import static org.jooq.Records.mapping;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.iif;
import static org.jooq.impl.DSL.multiset;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.param;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.selectCount;
import static org.jooq.impl.DSL.sum;

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
import dev.fourways.error.StaleUserException;
import dev.fourways.error.UserNotFoundException;
import dev.fourways.sqllayer.generated.tables.Purchases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.ConnectionProvider;
import org.jooq.Converter;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record1;
import org.jooq.Record11;
import org.jooq.Record4;
import org.jooq.Record6;
import org.jooq.Record7;
import org.jooq.RecordMapper;
import org.jooq.SQLDialect;
import org.jooq.SelectForUpdateStep;
import org.jooq.SelectJoinStep;
import org.jooq.SelectSeekStep1;
import org.jooq.Sequence;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.TableLike;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The jOOQ style: every statement is written with jOOQ's DSL against the {@code Tables},
 * {@code Keys} and {@code Sequences} generated at build time from the shared Flyway migrations
 * (see this module's {@code pom.xml}), so a misspelt column or a wrong type is a compile error.
 * Rows map into {@code common}'s records with {@code fetch(mapping(User::new))}, a constructor
 * reference the compiler checks against the selected columns, without reflection.
 * https://www.jooq.org/doc/3.19/manual/sql-execution/fetching/recordmapper/
 *
 * <p>One {@link DSLContext} per store, over the caller's {@code DataSource}: jOOQ borrows a
 * connection per statement (autocommit) and one per transaction ({@code transactionResult}).
 * A second context over the same configuration, {@code snapshot}, differs only in its
 * transactions' isolation level ({@link Database#snapshotIsolation()}, for {@link #page}).
 * Thread-safe (except the store a unit of work hands its work, which belongs to that unit and
 * its thread): the context is immutable after construction and holds no connection. A failed
 * statement's exception is translated once, by the {@link ExceptionTranslator} in the context's
 * configuration; arguments arrive validated ({@code UserStoreProvider.open} wraps this store).
 *
 * <p>{@link #inUnitOfWork} hands its work this same store bound to one transaction's context
 * ({@code tx.dsl()}, see the private constructor): every method then runs on that transaction's
 * connection, and their own {@code transactionResult} calls join it (jOOQ's nested transactions
 * are off in this store, see {@link JooqConfiguration#withTransactionIsolation}).
 */
public final class JooqUserStore implements UserStore {

    /** Rows fetched per round trip by {@link #streamAll()}: large enough to amortise, small enough to stay lazy. */
    static final int STREAM_FETCH_SIZE = 500;

    /**
     * Maps a user row and its purchases. The user's columns stay flat rather than a nested
     * {@code row(...).mapping(User::new)}, which renders and reads through extra aliases; the
     * nested form measured no faster (README, "What it costs") and the flat one reads more simply.
     */
    private static final RecordMapper<Record7<Long, String, String, String, Instant, Long, List<Purchase>>,
            UserWithPurchases> TO_USER_WITH_PURCHASES = mapping((id, username, email, displayName, createdAt, version,
                    purchases) -> new UserWithPurchases(new User(id, username, email, displayName, createdAt, version),
                    purchases));

    /**
     * A purchase joined to its user, flat: the purchase's five columns, then the user's six (see
     * {@link #findPurchase}). Typed, like {@link #TO_USER_WITH_PURCHASES}, so that a renamed
     * column is one compile error at the select, not a cascade through an inferred lambda.
     */
    private static final RecordMapper<Record11<Long, Long, BigDecimal, PurchaseStatus, Instant,
            Long, String, String, String, Instant, Long>, PurchaseWithUser> TO_PURCHASE_WITH_USER =
            mapping((id, userId, amount, status, placedAt, uid, username, email, displayName, createdAt, version)
                    -> new PurchaseWithUser(new Purchase(id, userId, amount, status, placedAt),
                    new User(uid, username, email, displayName, createdAt, version)));

    /** Over the pool; in a unit of work's store, the unit's transaction ({@code tx.dsl()}). */
    private final DSLContext ctx;
    /**
     * {@link #ctx} whose transactions run at the database's snapshot isolation; only {@link #page}
     * uses it. In a unit of work's store, the unit's context: page joins the unit's transaction.
     */
    private final DSLContext snapshot;
    /**
     * {@link #ctx} whose transactions run at READ COMMITTED: {@link #claimPaidPurchases}'s, and the
     * units of work's ({@link #inUnitOfWork}). In a unit of work's store, the unit's context.
     */
    private final DSLContext readCommitted;
    /** True for the store {@link #inUnitOfWork} hands its work, bound to the unit's transaction. */
    private final boolean inUnit;
    private final Field<List<Purchase>> purchasesOfUser;
    private final PooledIds userIds;
    private final PooledIds purchaseIds;

    /**
     * @param dataSource a pool on a migrated database; never closed by this store
     * @param settings   the statement timeout every statement carries (except {@link #streamAll}'s query)
     */
    public JooqUserStore(DataSource dataSource, StoreSettings settings) {
        Database database = Database.of(dataSource);
        this.ctx = DSL.using(JooqConfiguration.of(dataSource, database, settings));
        this.snapshot = DSL.using(JooqConfiguration.withTransactionIsolation(ctx.configuration(),
                database.snapshotIsolation()));
        this.readCommitted = DSL.using(JooqConfiguration.withTransactionIsolation(ctx.configuration(),
                Connection.TRANSACTION_READ_COMMITTED));
        this.purchasesOfUser = purchasesOfUser(placedAtInJson(ctx.dialect()));
        this.userIds = new PooledIds();
        this.purchaseIds = new PooledIds();
        this.inUnit = false;
    }

    /**
     * The same store, bound to one unit of work: its three contexts are all the unit's
     * transaction's own ({@code tx.dsl()}), never the outer ones, which would borrow other
     * connections outside the unit. So every statement runs on the unit's connection, and the
     * {@code transactionResult} calls of createAll, createWithPurchases, changePurchases, page,
     * changeEmail, mergeUsers, upsert on H2 and claimPaidPurchases join the unit's transaction
     * instead of committing their own. The reserved id blocks are the store's (a sequence is not
     * transactional, so ids a rolled-back unit took are simply never used).
     */
    private JooqUserStore(JooqUserStore store, DSLContext unit) {
        this.ctx = unit;
        this.snapshot = unit;
        this.readCommitted = unit;
        this.purchasesOfUser = store.purchasesOfUser;
        this.userIds = store.userIds;
        this.purchaseIds = store.purchaseIds;
        this.inUnit = true;
    }

    /**
     * One {@code INSERT .. VALUES} row, in autocommit, with an id reserved from the sequence
     * (a round trip only when the block of 50 is used up); {@code version} takes its column
     * default, 0. https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/insert-statement/insert-values/
     */
    @Override
    public User create(NewUser user) {
        return insertUser(ctx, user);
    }

    /** {@link #create}'s insert, on {@code dsl}: the pool's context, or a transaction's ({@link #createWithPurchases}). */
    private User insertUser(DSLContext dsl, NewUser user) {
        long id = userIds.take(1, n -> nextValues(dsl, USERS_SEQ, n))[0];
        dsl.insertInto(USERS, USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT)
                .values(id, user.username(), user.email(), user.displayName(), user.createdAt())
                .execute();
        return user.toUser(id);
    }

    /**
     * All or nothing: one transaction, and inside it only its nested configuration
     * ({@code tx.dsl()}), never the outer {@code ctx}, which would borrow another connection.
     * https://www.jooq.org/doc/3.19/manual/sql-execution/transaction-management/
     * Ids first (one round trip per 50 users at most, usually none), then one JDBC batch: the
     * insert is rendered once and bound once per user; no {@code RETURNING} is needed, and
     * MariaDB's driver returns no generated keys for a batch anyway.
     * https://www.jooq.org/doc/3.19/manual/sql-execution/batch-execution/
     */
    @Override
    public List<User> createAll(List<NewUser> users) {
        return ctx.transactionResult(tx -> insertAll(tx.dsl(), users));
    }

    private List<User> insertAll(DSLContext dsl, List<NewUser> users) {
        long[] ids = userIds.take(users.size(), n -> nextValues(dsl, USERS_SEQ, n));
        BatchBindStep batch = dsl.batch(dsl
                .insertInto(USERS, USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT)
                .values((Long) null, null, null, null, null));
        List<User> created = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            NewUser u = users.get(i);
            batch = batch.bind(ids[i], u.username(), u.email(), u.displayName(), u.createdAt());
            created.add(u.toUser(ids[i]));
        }
        batch.execute();
        return created;
    }

    @Override
    public Optional<User> findById(long id) {
        return selectUsers(ctx).where(USERS.ID.eq(id)).fetchOptional(mapping(User::new));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return selectUsers(ctx).where(USERS.USERNAME.eq(username)).fetchOptional(mapping(User::new));
    }

    @Override
    public long count() {
        return ctx.fetchCount(USERS);
    }

    /**
     * The total and the page from one snapshot, as {@code UserStore.page} asks: one transaction
     * on {@link #snapshot}, whose transactions run at {@link Database#snapshotIsolation()}
     * (REPEATABLE READ on PostgreSQL and MariaDB, SERIALIZABLE on H2; see
     * {@link JooqConfiguration#withTransactionIsolation} for how, in jOOQ 3.19). Under READ
     * COMMITTED, the default of H2 and PostgreSQL, each SELECT would see what was committed when
     * it started, so a user created or deleted in between would make the items disagree with the
     * total.
     */
    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        return snapshot.transactionResult(tx -> {
            long total = tx.dsl().fetchCount(USERS);
            List<User> items = selectUsers(tx.dsl())
                    .orderBy(USERS.USERNAME)
                    .limit(pageSize)
                    .offset(Page.offset(pageNumber, pageSize))
                    .fetch(mapping(User::new));
            return new Page<>(items, pageNumber, pageSize, total);
        });
    }

    /**
     * Keyset pagination: {@code seek()} renders {@code where username > ?} from the ORDER BY, so
     * the cursor and the order cannot disagree.
     * https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/select-statement/seek-clause/
     */
    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        SelectSeekStep1<Record6<Long, String, String, String, Instant, Long>, String> byUsername =
                selectUsers(ctx).orderBy(USERS.USERNAME);
        return afterUsername == null
                ? byUsername.limit(limit).fetch(mapping(User::new))
                : byUsername.seek(afterUsername).limit(limit).fetch(mapping(User::new));
    }

    @Override
    public List<User> search(UserQuery query) {
        return selectUsers(ctx)
                .where(criteria(query))
                .orderBy(order(query.sort()))
                .limit(query.limit())
                .fetch(mapping(User::new));
    }

    /**
     * Only the criteria given take part: {@code noCondition()} renders nothing, and each
     * {@code and(...)} adds one predicate. {@code contains}/{@code endsWith} escape {@code %} and
     * {@code _} in the value (with {@code escape '!'}), so they match literally.
     * https://www.jooq.org/doc/3.19/manual/sql-building/dynamic-sql/
     */
    private static Condition criteria(UserQuery query) {
        Condition where = noCondition();
        if (query.usernameContains() != null) {
            where = where.and(USERS.USERNAME.contains(query.usernameContains()));
        }
        if (query.emailDomain() != null) {
            where = where.and(USERS.EMAIL.endsWith("@" + query.emailDomain()));
        }
        if (query.createdFrom() != null) {
            where = where.and(USERS.CREATED_AT.ge(query.createdFrom()));
        }
        if (query.createdTo() != null) {
            where = where.and(USERS.CREATED_AT.lt(query.createdTo()));
        }
        if (query.minPurchases() != null) {
            where = where.and(field(selectCount().from(PURCHASES).where(PURCHASES.USER_ID.eq(USERS.ID)))
                    .ge(query.minPurchases()));
        }
        return where;
    }

    private static List<SortField<?>> order(UserQuery.Sort sort) {
        return switch (sort) {
            case USERNAME_ASC -> List.of(USERS.USERNAME.asc(), USERS.ID.asc());
            case CREATED_DESC -> List.of(USERS.CREATED_AT.desc(), USERS.ID.desc());
        };
    }

    /**
     * {@code fetchLazy()} runs the query now and keeps a {@code Cursor} (and its JDBC ResultSet)
     * open, reading {@value #STREAM_FETCH_SIZE} rows per round trip; its {@code stream()} closes
     * the cursor when the stream is closed. https://www.jooq.org/doc/3.19/manual/sql-execution/fetching/lazy-fetching/
     * PostgreSQL only honours a fetch size inside a transaction, and jOOQ's transactions end with
     * their lambda, so the stream holds one connection from the context's {@link ConnectionProvider},
     * with autocommit off, until the caller closes it. Its query alone runs without the statement
     * timeout ({@link JooqConfiguration#withoutStatementTimeout}): the caller reads it at its own
     * pace, and MariaDB's {@code max_statement_time} would end a slowly read stream.
     *
     * <p>Inside a unit of work the query runs on the unit's connection, already in the unit's
     * transaction (so it sees the unit's writes); closing the stream closes the cursor only, and
     * the unit's end commits or rolls back.
     */
    @Override
    public Stream<User> streamAll() {
        if (inUnit) {
            // The unit's connection is already in a transaction, which the unit ends: the stream
            // has no connection of its own to take or give back, and closing it closes the cursor.
            return usersById(JooqConfiguration.withoutStatementTimeout(ctx.configuration()).dsl());
        }
        ConnectionProvider pool = ctx.configuration().connectionProvider();
        Connection connection = pool.acquire();
        DSLContext dsl = JooqConfiguration.withoutStatementTimeout(ctx.configuration().derive(connection)).dsl();
        try {
            dsl.connection(c -> c.setAutoCommit(false));
            return usersById(dsl).onClose(() -> endReadOnly(dsl, pool, connection));
        } catch (RuntimeException e) {
            // On a connection the server ended, giving it back fails too ("Connection is closed",
            // no SQLState); that must not replace the failure that says the connection was lost.
            try {
                endReadOnly(dsl, pool, connection);
            } catch (RuntimeException onRelease) {
                e.addSuppressed(onRelease);
            }
            throw e;
        }
    }

    /** Every user by id, read lazily through a {@code Cursor}; closing the stream closes the cursor. */
    private static Stream<User> usersById(DSLContext dsl) {
        return selectUsers(dsl)
                .orderBy(USERS.ID)
                .fetchSize(STREAM_FETCH_SIZE)
                .fetchLazy()
                .stream()
                .map(mapping(User::new));
    }

    /** Rolls back (the stream only read) and gives the connection back as it was borrowed. */
    private static void endReadOnly(DSLContext dsl, ConnectionProvider pool, Connection connection) {
        try {
            dsl.connection(c -> {
                c.rollback();
                c.setAutoCommit(true);
            });
        } finally {
            pool.release(connection);
        }
    }

    /**
     * Optimistic lock by hand: {@code execute()} returns the row count of
     * {@code update ... where id = ? and version = ?}. jOOQ's own optimistic locking works on an
     * {@code UpdatableRecord} it loaded ({@code executeWithOptimisticLocking}), which would cost
     * a select before the update and ties the version to a record we never keep.
     * https://www.jooq.org/doc/3.19/manual/sql-execution/crud-with-updatablerecords/optimistic-locking/
     */
    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        return ctx.transactionResult(tx -> {
            int updated = tx.dsl().update(USERS)
                    .set(USERS.EMAIL, newEmail)
                    .set(USERS.VERSION, USERS.VERSION.plus(1))
                    .where(USERS.ID.eq(id).and(USERS.VERSION.eq(expectedVersion)))
                    .execute();
            // One read serves both outcomes: the answer on success; on failure, whether the row
            // is still there (a stale version) or gone.
            Optional<User> now = selectUsers(tx.dsl()).where(USERS.ID.eq(id)).fetchOptional(mapping(User::new));
            if (updated == 0) {
                throw now.isPresent() ? new StaleUserException(id, expectedVersion, null) : UserNotFoundException.forId(id);
            }
            return now.orElseThrow();
        });
    }

    /** One statement: the purchases go by the foreign key's ON DELETE CASCADE, never loaded. */
    @Override
    public boolean delete(long id) {
        return ctx.deleteFrom(USERS).where(USERS.ID.eq(id)).execute() > 0;
    }

    /** Like {@link #create}; a missing user is the foreign key's refusal, translated like any error. */
    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        long id = purchaseIds.take(1, n -> nextValues(ctx, PURCHASES_SEQ, n))[0];
        ctx.insertInto(PURCHASES, PURCHASES.ID, PURCHASES.USER_ID, PURCHASES.AMOUNT, PURCHASES.STATUS, PURCHASES.PLACED_AT)
                .values(id, userId, purchase.amount(), purchase.status(), purchase.placedAt())
                .execute();
        return purchase.toPurchase(id, userId);
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        return selectUsersWithPurchases(ctx, USERS)
                .where(USERS.ID.eq(userId))
                .fetchOptional(TO_USER_WITH_PURCHASES);
    }

    /**
     * A graph insert, all or nothing: one transaction ({@code transactionResult}, only its nested
     * {@code tx.dsl()} inside, as in {@link #createAll}; inside a unit of work it joins the unit's
     * transaction and commits nothing of its own).
     * https://www.jooq.org/doc/3.19/manual/sql-execution/transaction-management/
     * The user's id comes from the reserved block before the insert, so the parent's key is known
     * in Java and carried down to the children without reading a generated key back ({@code
     * RETURNING} is not needed, and MariaDB's driver returns no generated keys for a batch). Then
     * the user's {@code INSERT .. VALUES} and one JDBC batch of the purchases' inserts
     * ({@link #insertPurchases}). The answer is built from what was written, sorted as
     * {@link #findWithPurchases} sorts: no read back.
     * Round trips: the insert and the batch (none for no purchases), plus one refill of each id
     * block that runs out (one statement for all the blocks missing): at most 4, whatever the count.
     */
    @Override
    public UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases) {
        return ctx.transactionResult(tx -> {
            DSLContext dsl = tx.dsl();
            User created = insertUser(dsl, user);
            return UserWithPurchases.sorted(created, insertPurchases(dsl, created.id(), purchases));
        });
    }

    /**
     * One transaction (joined by a unit of work, as above), in the JDBC reference's steps:
     * <ol>
     *   <li>The optimistic lock by hand, as in {@link #changeEmail}: {@code update users set
     *       version = version + 1 where id = ? and version = ?} and its row count. The updated row
     *       stays locked until the commit, so two calls for one user never interleave. On 0 rows,
     *       one {@code fetchExists} tells a stale version from a missing user.
     *       https://www.jooq.org/doc/3.19/manual/sql-building/conditional-expressions/exists-predicate/</li>
     *   <li>The aggregate as it is now, after the bump (so its version is the new one): the
     *       one-statement MULTISET query of {@link #findWithPurchases}, mapped by the same
     *       {@link #TO_USER_WITH_PURCHASES}. Every purchase to change or remove must be among its
     *       purchases (checked in Java; a foreign or unknown id is {@link PurchaseNotFoundException},
     *       and the exception rolls the transaction back before any child was written).</li>
     *   <li>One JDBC batch per kind of change, each skipped when it has nothing to do: the inserts
     *       ({@link #insertPurchases}, with a refill of the purchase id block when it runs out), the
     *       updates and the deletes ({@link #batch}).</li>
     * </ol>
     * The answer is computed from what was read and written, sorted by {@link UserWithPurchases#ORDER}:
     * no second read. Round trips: 2 (an empty change) to 6, whatever the number of children; on a
     * stale version or a missing user 2 (the bump and {@code fetchExists}), rolled back.
     */
    @Override
    public UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes) {
        return ctx.transactionResult(tx -> {
            DSLContext dsl = tx.dsl();
            int bumped = dsl.update(USERS)
                    .set(USERS.VERSION, USERS.VERSION.plus(1))
                    .where(USERS.ID.eq(userId).and(USERS.VERSION.eq(expectedVersion)))
                    .execute();
            if (bumped == 0) {
                throw dsl.fetchExists(USERS, USERS.ID.eq(userId))
                        ? new StaleUserException(userId, expectedVersion, null)
                        : UserNotFoundException.forId(userId);
            }
            UserWithPurchases current = selectUsersWithPurchases(dsl, USERS)
                    .where(USERS.ID.eq(userId))
                    .fetchSingle(TO_USER_WITH_PURCHASES);
            changes.firstNotAmong(current.purchases()).ifPresent(id -> {
                throw new PurchaseNotFoundException(userId, id);
            });

            List<Purchase> added = insertPurchases(dsl, userId, changes.add());
            batch(dsl, dsl.update(PURCHASES)
                            .set(PURCHASES.AMOUNT, param(PURCHASES.AMOUNT))
                            .set(PURCHASES.STATUS, param(PURCHASES.STATUS))
                            .where(PURCHASES.ID.eq(param(PURCHASES.ID))),
                    changes.change(), change -> new Object[] {change.amount(), change.status(), change.purchaseId()});
            batch(dsl, dsl.deleteFrom(PURCHASES).where(PURCHASES.ID.eq(param(PURCHASES.ID))),
                    changes.remove(), id -> new Object[] {id});

            return new UserWithPurchases(current.user(), changes.applyTo(current.purchases(), added));
        });
    }

    /**
     * A user's new purchases in one JDBC batch, with ids from the reserved block (a refill, when
     * it runs out, is one round trip for all the blocks missing); nothing is sent for an empty list.
     */
    private List<Purchase> insertPurchases(DSLContext dsl, long userId, List<NewPurchase> purchases) {
        if (purchases.isEmpty()) {
            return List.of();
        }
        long[] ids = purchaseIds.take(purchases.size(), n -> nextValues(dsl, PURCHASES_SEQ, n));
        List<Purchase> stored = new ArrayList<>(purchases.size());
        for (int i = 0; i < purchases.size(); i++) {
            stored.add(purchases.get(i).toPurchase(ids[i], userId));
        }
        batch(dsl, dsl.insertInto(PURCHASES, PURCHASES.ID, PURCHASES.USER_ID, PURCHASES.AMOUNT, PURCHASES.STATUS,
                                PURCHASES.PLACED_AT)
                        .values(param(PURCHASES.ID), param(PURCHASES.USER_ID), param(PURCHASES.AMOUNT),
                                param(PURCHASES.STATUS), param(PURCHASES.PLACED_AT)),
                stored, p -> new Object[] {p.id(), p.userId(), p.amount(), p.status(), p.placedAt()});
        return stored;
    }

    /**
     * One statement, one JDBC batch: {@code batch(query).bind(...)} renders {@code query} once and
     * adds one set of bind values per item, then {@code execute()} is one {@code executeBatch()},
     * one round trip whatever the count. Not {@code batchInsert}/{@code batchUpdate}/{@code
     * batchDelete} of generated {@code PurchasesRecord}s: those render every record's statement
     * and group equal SQL into batches, so one batch per kind holds only while every record has
     * the same changed flags; here the one statement per kind is explicit, and no record is built
     * that the store would not keep. Nothing is sent for no items: jOOQ runs a single-query batch
     * with no bind values as that query once, its placeholders inlined as nulls (jOOQ 3.19.39 logs
     * "No bind variables have been provided with a single statement batch execution" and sends
     * {@code update .. set .. = null ..}: checked while writing this).
     * https://www.jooq.org/doc/3.19/manual/sql-execution/batch-execution/
     * https://www.jooq.org/doc/3.19/manual/sql-execution/crud-with-updatablerecords/batch-execution-for-crud/
     *
     * <p>The placeholders are {@code param(column)}: unnamed bind values typed like their column
     * (with its converter: {@code PurchaseStatus} and {@code Instant} bind as they do elsewhere),
     * bound by index in rendering order. {@code eq((Long) null)} renders the same {@code = ?}
     * (as {@link #insertAll}'s nulls do), but reads like a comparison with null; {@code param}
     * says it is a placeholder. https://www.jooq.org/doc/3.19/manual/sql-building/bind-values/indexed-parameters/
     */
    private static <T> void batch(DSLContext dsl, Query query, List<T> items, Function<T, Object[]> binds) {
        if (items.isEmpty()) {
            return;
        }
        BatchBindStep batch = dsl.batch(query);
        for (T item : items) {
            batch = batch.bind(binds.apply(item));
        }
        batch.execute();
    }

    /**
     * One statement: the purchase joined to its user by the generated foreign key
     * ({@code join(USERS).onKey(PURCHASES_USER_FK)}, so the join condition comes from the schema),
     * flat columns mapped by {@link #TO_PURCHASE_WITH_USER}, as {@link #TO_USER_WITH_PURCHASES} maps its own.
     * Not nested {@code row(...).mapping(...)}: on PostgreSQL jOOQ 3.19 sends those as ROW values
     * ({@code select row (purchases.id, ...) as nested}) and parses the records' text form; on H2
     * and MariaDB under generated aliases.
     * https://www.jooq.org/doc/3.19/manual/sql-building/table-expressions/joined-tables/join-predicate-on-key/
     * https://www.jooq.org/doc/3.19/manual/sql-execution/fetching/recordmapper/
     */
    @Override
    public Optional<PurchaseWithUser> findPurchase(long purchaseId) {
        return ctx.select(PURCHASES.ID, PURCHASES.USER_ID, PURCHASES.AMOUNT, PURCHASES.STATUS, PURCHASES.PLACED_AT,
                        USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT, USERS.VERSION)
                .from(PURCHASES)
                .join(USERS).onKey(PURCHASES_USER_FK)
                .where(PURCHASES.ID.eq(purchaseId))
                .fetchOptional(TO_PURCHASE_WITH_USER);
    }

    /**
     * One statement, a deferred join: the derived table {@code k} holds only the page's ids
     * ({@code select id from users order by username limit ? offset ?}), the outer query joins
     * those users back by primary key, and the MULTISET, correlated to the outer row, runs once
     * per returned user, not for the skipped rows too. Ids rather than whole rows let MariaDB walk
     * the username index instead of sorting every row (README, "Measured choices").
     * https://www.jooq.org/doc/3.19/manual/sql-building/table-expressions/derived-tables/
     *
     * <p>One statement, so no transaction while others write: PostgreSQL and MariaDB read a
     * statement from one snapshot, and on any database the shape alone holds the contract's
     * promise: {@code k} has at most one page of ids, the join by primary key returns each of
     * them at most once (a user deleted meanwhile drops out, never a user outside {@code k}
     * comes in), and the outer ORDER BY sorts them by username.
     */
    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        Table<Record1<Long>> page = select(USERS.ID).from(USERS)
                .orderBy(USERS.USERNAME)
                .limit(pageSize)
                .offset(Page.offset(pageNumber, pageSize))
                .asTable("k");
        return selectUsersWithPurchases(ctx, page.join(USERS).on(USERS.ID.eq(page.field(USERS.ID))))
                .orderBy(USERS.USERNAME)
                .fetch(TO_USER_WITH_PURCHASES);
    }

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        return ctx.update(PURCHASES)
                .set(PURCHASES.STATUS, PurchaseStatus.CANCELLED)
                .where(cancellable(ctx.dialect(), cutoff))
                .execute();
    }

    /**
     * The purchases a cancellation changes: NEW or PAID, placed before {@code cutoff}. PostgreSQL
     * and MariaDB walk the index on placed_at to them. H2 2.5 picks purchases_status_placed_idx for
     * {@code status in (...)} and drops the range on placed_at, reading every NEW and PAID purchase
     * (6–9 ms per call against 0.26 ms), so on H2 the ids come from a subquery whose table names the
     * index on placed_at: {@code useIndex} renders H2's {@code use index (...)}, which it shares with
     * MySQL (the reference's CANCEL_ON_H2).
     * https://www.jooq.org/javadoc/3.19.x/org.jooq/org/jooq/Table.html#useIndex(java.lang.String...)
     */
    private static Condition cancellable(SQLDialect dialect, Instant cutoff) {
        if (dialect.family() != SQLDialect.H2) {
            return PURCHASES.STATUS.in(PurchaseStatus.NEW, PurchaseStatus.PAID).and(PURCHASES.PLACED_AT.lt(cutoff));
        }
        Purchases candidates = PURCHASES.as("candidates");
        return PURCHASES.ID.in(select(candidates.ID)
                .from(candidates.useIndex(PURCHASES_PLACED_IDX.getName()))
                .where(candidates.STATUS.in(PurchaseStatus.NEW, PurchaseStatus.PAID))
                .and(candidates.PLACED_AT.lt(cutoff)));
    }

    /** https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/select-statement/group-by-clause/ */
    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        Field<BigDecimal> total = sum(PURCHASES.AMOUNT);
        return ctx.select(USERS.ID, USERS.USERNAME, DSL.count(), total)
                .from(PURCHASES)
                .join(USERS).onKey(PURCHASES_USER_FK)
                .where(PURCHASES.PLACED_AT.ge(since))
                .and(PURCHASES.STATUS.ne(PurchaseStatus.CANCELLED))
                .groupBy(USERS.ID, USERS.USERNAME)
                .orderBy(total.desc(), USERS.USERNAME)
                .limit(limit)
                // count() is an Integer field; the lambda widens it to the record's long.
                .fetch(mapping((userId, username, purchases, sum) -> new SpenderSummary(userId, username, purchases, sum)));
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        return ctx.transactionResult(tx -> {
            DSLContext dsl = tx.dsl();
            // 1. Both users must exist; lock them (in id order, so two merges cannot deadlock).
            List<Long> present = dsl.select(USERS.ID).from(USERS)
                    .where(USERS.ID.in(keepId, removeId))
                    .orderBy(USERS.ID)
                    .forUpdate()
                    .fetch(USERS.ID);
            for (long id : new long[] {keepId, removeId}) {
                if (!present.contains(id)) {
                    throw UserNotFoundException.forId(id);
                }
            }
            // 2-4. Move the purchases in one statement, delete, bump the version.
            dsl.update(PURCHASES).set(PURCHASES.USER_ID, keepId).where(PURCHASES.USER_ID.eq(removeId)).execute();
            dsl.deleteFrom(USERS).where(USERS.ID.eq(removeId)).execute();
            dsl.update(USERS).set(USERS.VERSION, USERS.VERSION.plus(1)).where(USERS.ID.eq(keepId)).execute();
            // 5. The kept user as it is now.
            return selectUsers(dsl).where(USERS.ID.eq(keepId)).fetchSingle(mapping(User::new));
        });
    }

    /**
     * One statement in autocommit on PostgreSQL and MariaDB, jOOQ's {@code INSERT .. ON CONFLICT ..
     * DO UPDATE .. RETURNING}; on H2 a MERGE and a read in one transaction (see {@link #mergeOnH2}).
     * The id comes from the column's default (the sequence), so no reserved id is spent.
     * https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/insert-statement/insert-on-conflict/
     * https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/insert-statement/insert-returning/
     *
     * <p>PostgreSQL renders {@code on conflict (username) do update set email = excluded.email, ...}.
     * MariaDB has no conflict target: jOOQ renders {@code on duplicate key update}, which fires on
     * any unique key, {@code users_email_uk} included, and would then overwrite the user who owns
     * the e-mail. So on MariaDB each assignment is guarded by
     * {@code if(users.username = values(username), <new>, <old>)} ({@link #forSameUsername}): a
     * match on the e-mail leaves that other user's row as it was, and its username coming back
     * through {@code RETURNING} says the e-mail is taken.
     */
    @Override
    public User upsert(NewUser user) {
        if (ctx.dialect().family() == SQLDialect.H2) {
            try {
                return ctx.transactionResult(tx -> mergeOnH2(tx.dsl(), user));
            } catch (DuplicateUserException e) {
                // H2's MERGE is not atomic against a concurrent insert of the same username: the
                // other transaction committed the row between the match and the insert. The row
                // now exists, so the one retry takes the update path (UserStore.upsert).
                if (e.field() != DuplicateUserException.Field.USERNAME) {
                    throw e;
                }
                return ctx.transactionResult(tx -> mergeOnH2(tx.dsl(), user));
            }
        }
        User stored = ctx.insertInto(USERS, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT, USERS.VERSION)
                .values(user.username(), user.email(), user.displayName(), user.createdAt(), 0L)
                .onConflict(USERS.USERNAME)
                .doUpdate()
                .set(USERS.EMAIL, forSameUsername(excluded(USERS.EMAIL), USERS.EMAIL))
                .set(USERS.DISPLAY_NAME, forSameUsername(excluded(USERS.DISPLAY_NAME), USERS.DISPLAY_NAME))
                .set(USERS.VERSION, forSameUsername(USERS.VERSION.plus(1), USERS.VERSION))
                .returningResult(USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT, USERS.VERSION)
                .fetchSingle(mapping(User::new));
        if (!stored.username().equals(user.username())) {
            // MariaDB only: the e-mail's unique key matched another user, left unchanged by the guard.
            throw new DuplicateUserException(DuplicateUserException.Field.EMAIL, null);
        }
        return stored;
    }

    /**
     * The value an upsert's update assigns: {@code newValue} on PostgreSQL, whose conflict target
     * guarantees the matched row has the username; on MariaDB, whose {@code ON DUPLICATE KEY
     * UPDATE} may have matched another user by e-mail, {@code newValue} only for the row with this
     * username and {@code current} otherwise. ({@code excluded(f)} renders {@code values(f)} there.)
     * https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/insert-statement/insert-on-duplicate-key/
     */
    private <T> Field<T> forSameUsername(Field<T> newValue, Field<T> current) {
        return ctx.dialect().family() == SQLDialect.MARIADB
                ? iif(USERS.USERNAME.eq(excluded(USERS.USERNAME)), newValue, current)
                : newValue;
    }

    /**
     * H2's upsert, inside a transaction: a {@code MERGE} keyed on the username, then the row as
     * it now is. Written out rather than left to jOOQ's emulation of {@code ON CONFLICT ..
     * RETURNING} on H2, which reads the row back from a data change delta table
     * ({@code select .. from final table (merge ..)}): in H2 2.5.252 such a statement keeps an
     * update that violated {@code users_email_uk}, leaving two users with one e-mail (handoff of
     * issue 19; {@code UserStore.upsert}). The plain MERGE raises the violation, so the e-mail
     * check stays the database's. https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/merge-statement/
     */
    private static User mergeOnH2(DSLContext dsl, NewUser user) {
        dsl.mergeInto(USERS)
                .using(selectOne())
                .on(USERS.USERNAME.eq(user.username()))
                .whenMatchedThenUpdate()
                .set(USERS.EMAIL, user.email())
                .set(USERS.DISPLAY_NAME, user.displayName())
                .set(USERS.VERSION, USERS.VERSION.plus(1))
                .whenNotMatchedThenInsert(USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT, USERS.VERSION)
                .values(user.username(), user.email(), user.displayName(), user.createdAt(), 0L)
                .execute();
        return selectUsers(dsl).where(USERS.USERNAME.eq(user.username())).fetchSingle(mapping(User::new));
    }

    /**
     * A worker's claim: one transaction on {@link #readCommitted} (READ COMMITTED on every
     * database; see {@link JooqConfiguration#withTransactionIsolation} for how in jOOQ 3.19, and
     * {@code UserStore.claimPaidPurchases} for why MariaDB needs it), in two statements: the oldest
     * PAID purchases, locked with {@code FOR UPDATE SKIP LOCKED} so that concurrent claims pass
     * each other's rows instead of waiting, then one {@code UPDATE .. WHERE id IN (..)} of exactly
     * the rows locked, skipped when there are none. The rows are returned as read, now SHIPPED.
     * https://www.jooq.org/doc/3.19/manual/sql-building/sql-statements/select-statement/for-update-clause/
     */
    @Override
    public List<Purchase> claimPaidPurchases(int limit) {
        return readCommitted.transactionResult(tx -> {
            DSLContext dsl = tx.dsl();
            List<Purchase> locked = oldestPaid(dsl, limit)
                    .forUpdate()
                    .skipLocked()
                    .fetch(mapping((id, userId, amount, placedAt) ->
                            new Purchase(id, userId, amount, PurchaseStatus.SHIPPED, placedAt)));
            if (!locked.isEmpty()) {
                dsl.update(PURCHASES)
                        .set(PURCHASES.STATUS, PurchaseStatus.SHIPPED)
                        .where(PURCHASES.ID.in(locked.stream().map(Purchase::id).toList()))
                        .execute();
            }
            return locked;
        });
    }

    /**
     * The claim's query before its lock: the oldest {@code limit} PAID purchases. PostgreSQL and
     * MariaDB lock, skip what others hold, then apply the limit. H2 applies the limit before it
     * drops locked rows anyway ({@link UserStore#claimPaidPurchases}), and locking this query with
     * its limit made H2 2.5 read and sort every PAID row (26–72 ms per claim with 25,000 PAID
     * purchases, against 1.3 ms): on H2 the oldest ids come from a subquery that walks
     * purchases_status_placed_idx in order ({@code order by status, ...}), and only those rows are
     * locked; the outer status test drops a row another claim shipped meanwhile.
     */
    private static SelectForUpdateStep<Record4<Long, Long, BigDecimal, Instant>> oldestPaid(DSLContext dsl, int limit) {
        var paid = dsl.select(PURCHASES.ID, PURCHASES.USER_ID, PURCHASES.AMOUNT, PURCHASES.PLACED_AT)
                .from(PURCHASES)
                .where(PURCHASES.STATUS.eq(PurchaseStatus.PAID));
        if (dsl.dialect().family() != SQLDialect.H2) {
            return paid.orderBy(PURCHASES.PLACED_AT, PURCHASES.ID).limit(limit);
        }
        Purchases oldest = PURCHASES.as("oldest");
        return paid.and(PURCHASES.ID.in(select(oldest.ID).from(oldest)
                        .where(oldest.STATUS.eq(PurchaseStatus.PAID))
                        .orderBy(oldest.STATUS, oldest.PLACED_AT, oldest.ID)
                        .limit(limit)))
                .orderBy(PURCHASES.PLACED_AT, PURCHASES.ID);
    }

    /**
     * One jOOQ transaction, {@code readCommitted.transactionResult(tx -> ...)}, with {@code work}
     * given this store bound to the transaction's own context {@code tx.dsl()}, as jOOQ's manual
     * asks (https://www.jooq.org/doc/3.19/manual/sql-execution/transaction-management/). jOOQ's
     * {@code DefaultTransactionProvider} borrows one connection from the pool, turns autocommit
     * off, commits once when {@code work} returns, rolls back when it throws (and rethrows that
     * very exception), and gives the connection back either way. The connection is set to READ
     * COMMITTED before autocommit goes off, as for claimPaidPurchases
     * ({@link JooqConfiguration#withTransactionIsolation}): MariaDB's default is REPEATABLE READ, and
     * PostgreSQL's and H2's READ COMMITTED is set all the same, so that the level never depends on a
     * pool's configuration.
     *
     * <p>Nothing to keep in step: jOOQ has no first-level cache, so every read inside the unit is
     * a statement on the unit's connection and sees what the unit wrote, bulk updates and
     * {@code ON DELETE CASCADE} included.
     *
     * @param work the request: calls the store it is handed (bound to this unit), returns the result
     * @return what {@code work} returned (may be null), after the commit
     * @throws RuntimeException      whatever {@code work} threw, the same instance, after the rollback
     * @throws org.jooq.exception.DataAccessException when the database fails, at the commit too; the
     *                               unit is rolled back ({@code GuardedUserStore} translates it)
     * @throws IllegalStateException on the store a unit hands its work: units do not nest
     */
    @Override
    public <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work) {
        if (inUnit) {
            throw new IllegalStateException("units of work do not nest");
        }
        return readCommitted.transactionResult(tx -> work.apply(new JooqUserStore(this, tx.dsl())));
    }

    /** Nothing to release: the {@code DSLContext} holds no resource of its own, and the caller's pool stays open. */
    @Override
    public void close() {
    }

    // ---- the query parts several operations share ----

    /** The user's columns, typed: {@code mapping(User::new)} checks them against the record's constructor. */
    private static SelectJoinStep<Record6<Long, String, String, String, Instant, Long>> selectUsers(DSLContext dsl) {
        return dsl.select(USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT, USERS.VERSION)
                .from(USERS);
    }

    /**
     * The user's columns and their purchases, flat (see {@link #TO_USER_WITH_PURCHASES}), from
     * {@code users} or from a join that contains it unaliased.
     */
    private SelectJoinStep<Record7<Long, String, String, String, Instant, Long, List<Purchase>>>
            selectUsersWithPurchases(DSLContext dsl, TableLike<?> from) {
        return dsl.select(USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT, USERS.VERSION,
                        purchasesOfUser)
                .from(from);
    }

    /**
     * A user's purchases, by placedAt then id, as one nested collection per user row: MULTISET,
     * which jOOQ emulates with the database's JSON functions, so a page of users with all their
     * purchases is one statement and no join has to be folded by hand.
     * https://www.jooq.org/doc/3.19/manual/sql-building/column-expressions/multiset-value-constructor/
     *
     * @param placedAt how to read {@code purchases.placed_at} inside the JSON (see {@link #placedAtInJson})
     */
    private static Field<List<Purchase>> purchasesOfUser(Field<Instant> placedAt) {
        return multiset(
                select(PURCHASES.ID, PURCHASES.USER_ID, PURCHASES.AMOUNT, PURCHASES.STATUS, placedAt)
                        .from(PURCHASES)
                        .where(PURCHASES.USER_ID.eq(USERS.ID))
                        .orderBy(PURCHASES.PLACED_AT, PURCHASES.ID))
                .convertFrom(purchases -> purchases.map(mapping(Purchase::new)));
    }

    /**
     * Inside MULTISET's JSON, a MariaDB {@code DATETIME(6)} arrives as a string without an offset,
     * which jOOQ reads as the JVM's local time (wrong under {@code Pacific/Chatham}). The column
     * holds UTC wall-clock time, so on MariaDB it is read as a {@code LocalDateTime} (coerce:
     * no SQL change) and converted at UTC. H2 and PostgreSQL put the offset into the JSON.
     */
    private static Field<Instant> placedAtInJson(SQLDialect dialect) {
        if (dialect.family() != SQLDialect.MARIADB) {
            return PURCHASES.PLACED_AT;
        }
        return PURCHASES.PLACED_AT.coerce(SQLDataType.LOCALDATETIME(6).asConvertedDataType(Converter.ofNullable(
                LocalDateTime.class, Instant.class, t -> t.toInstant(ZoneOffset.UTC),
                i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC))));
    }

    /** {@code count} values of a sequence in one round trip; jOOQ renders each dialect's form. */
    private static long[] nextValues(DSLContext dsl, Sequence<Long> sequence, int count) {
        return dsl.nextvals(sequence, count).stream().mapToLong(Long::longValue).toArray();
    }
}
