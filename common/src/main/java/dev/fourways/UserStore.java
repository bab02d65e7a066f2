package dev.fourways;

import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.StaleUserException;
import dev.fourways.error.StoreException;
import dev.fourways.error.UserNotFoundException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The one contract every data-access style implements: users and their purchases.
 *
 * <h2>Rules for every method</h2>
 * <ul>
 *   <li>Thread-safe: one store serves many threads at once (not the store a unit of work hands
 *       to its work: see {@link #inUnitOfWork}).</li>
 *   <li>Each call is its own transaction: it commits before it returns, or changes nothing
 *       (see the transaction policy below), except inside {@link #inUnitOfWork}, where the calls
 *       of one request share one transaction.</li>
 *   <li>Invalid arguments raise {@link IllegalArgumentException} naming the field, before any SQL
 *       is sent. Every value is bound as a parameter, never concatenated into SQL.</li>
 *   <li>Nothing is silently altered: a value a database cannot store exactly (U+0000, an unpaired
 *       surrogate, an instant outside [1000-01-01, 9999-12-31T23:59:59.999999Z], a string past its
 *       column once lower-cased) is refused up front, and every value accepted is read back
 *       exactly by every read (see {@link dev.fourways.domain.Validation}).</li>
 *   <li>Database failures raise {@link StoreException} or one of its subclasses, with the
 *       library's own exception as the cause (see {@code dev.fourways.error.SqlErrorTranslator}).</li>
 *   <li>Budgets are round trips the database sees (statements and batches, as counted by
 *       datasource-proxy); the contract suite checks them, which is how it catches N+1 queries
 *       and missing batching.</li>
 *   <li>{@link #close()} releases what the store built (a session factory, caches) but never
 *       closes the caller's {@code DataSource}. Any call after it raises
 *       {@link IllegalStateException}.</li>
 * </ul>
 *
 * <h2>Transaction policy: the same in every style</h2>
 * Which operations run in autocommit and which in one explicit transaction is part of the
 * contract, so that no style pays (or saves) a COMMIT round trip the others do not: on PostgreSQL
 * and MariaDB a COMMIT is one more round trip (about 57 µs on a local PostgreSQL), and the
 * "statements" a benchmark report counts would not show it.
 * <table>
 *   <caption>Transaction per operation, counted as calls of {@code Connection.commit()} and
 *   {@code Connection.rollback()} through the caller's {@code DataSource}</caption>
 *   <tr><th>operations</th><th>transaction</th><th>on success</th><th>on failure</th></tr>
 *   <tr><td>{@link #create}, {@link #addPurchase}, {@link #delete},
 *       {@link #cancelPurchasesPlacedBefore}, {@link #findById}, {@link #findByUsername},
 *       {@link #count}, {@link #listAfter}, {@link #search}, {@link #findWithPurchases}, {@link #findPurchase},
 *       {@link #pageWithPurchases}, {@link #topSpenders}</td>
 *       <td>autocommit: the one statement is its own transaction. {@code create} and
 *       {@code addPurchase} may first refill the store's block of reserved ids from a sequence,
 *       which is not transactional anyway.</td>
 *       <td>no commit, no rollback</td><td>no commit</td></tr>
 *   <tr><td>{@link #upsert}</td><td>autocommit: one statement on PostgreSQL and MariaDB; on H2 one
 *       transaction (exactly one commit) of two (see its Javadoc)</td>
 *       <td>no commit, no rollback</td><td>no commit</td></tr>
 *   <tr><td>{@link #createAll}, {@link #createWithPurchases}, {@link #changePurchases},
 *       {@link #page}, {@link #changeEmail}, {@link #mergeUsers}, {@link #claimPaidPurchases}</td>
 *       <td>one transaction: several statements that must all happen or none (createAll,
 *       createWithPurchases, changePurchases, mergeUsers), or a write and the read of what it wrote (changeEmail), or two reads that
 *       belong together (page), or a pessimistic lock and the write it protects (claimPaidPurchases)</td>
 *       <td>exactly one commit</td><td>no commit (rolled back)</td></tr>
 *   <tr><td>{@link #streamAll}</td>
 *       <td>one read-only transaction, held while the stream is open: PostgreSQL streams rows
 *       with a fetch size only inside a transaction</td>
 *       <td>exactly one commit or rollback, when the stream is closed</td><td>—</td></tr>
 * </table>
 * A library that cannot follow this with its documented idiom (Hibernate refuses mutation
 * queries outside a transaction unless an unsafe setting is on) runs that operation in one
 * transaction instead; its store says so in its Javadoc and module README, its contract test
 * declares it ({@code UserStoreContract.operationsInTransaction()}), and the benchmark report's
 * "commits" column shows it.
 *
 * <h2>Failures: "retry this" or "fix this"</h2>
 * A failure that may pass if the same call is repeated (a lost connection, a deadlock, a
 * serialisation failure, a lock or statement timeout, an exhausted pool) is a
 * {@link dev.fourways.error.TransientStoreException}; the call's transaction is rolled back, so
 * repeating it is safe. Everything else ({@link DuplicateUserException}, {@link UserNotFoundException},
 * {@link StaleUserException}, a plain {@link StoreException}) fails again unless something
 * changes. The mapping is the table on {@code SqlErrorTranslator}. Every statement carries the
 * statement timeout of the {@link StoreSettings} the store was opened with.
 *
 * <h2>Who does what</h2>
 * Callers get a store from {@link UserStoreProvider#open}, which puts a {@link GuardedUserStore}
 * around the style's own store: the guard validates and normalises the arguments, refuses calls
 * after {@code close()}, and translates the library's exceptions; the style's store holds its
 * library's code only: the SQL, the mapping, the transactions of the policy above.
 *
 * <p>The shared contract suite ({@code dev.fourways.contract.UserStoreContract}) asserts all of it.
 */
public interface UserStore extends AutoCloseable {

    /**
     * Inserts one user.
     *
     * @return the stored user, with its new id and version 0
     * @throws DuplicateUserException when the username or the e-mail is taken (its {@code field} says which)
     */
    User create(NewUser user);

    /**
     * Inserts many users in one batch, all or nothing: when any of them fails (a duplicate within
     * the list or with a stored user) none is written.
     * Budget: at most 50 round trips for 1,000 users.
     *
     * @return the stored users, in the input's order, with their ids; empty for an empty list
     * @throws DuplicateUserException when any username or e-mail is taken; nothing is written
     */
    List<User> createAll(List<NewUser> users);

    /**
     * Budget: 1 statement.
     *
     * @return the user, or an empty {@code Optional} when there is none with that id
     */
    Optional<User> findById(long id);

    /**
     * Budget: 1 statement.
     *
     * @param username matched case-insensitively (usernames are stored lower case)
     * @return the user, or an empty {@code Optional}
     * @throws IllegalArgumentException when {@code username} cannot be a username
     */
    Optional<User> findByUsername(String username);

    /**
     * Budget: 1 statement.
     *
     * @return the number of users
     */
    long count();

    /**
     * Offset pagination over all users, ordered by username (code point order).
     *
     * <p>The rows and the total come from one snapshot, also while others write: the count and
     * the rows run in one transaction at {@link dev.fourways.db.Database#snapshotIsolation()}
     * (under READ COMMITTED each statement would see its own state, and a page's rows could
     * disagree with its total).
     *
     * @param pageNumber from 0; a page past the end is empty
     * @param pageSize   1 to 1000
     * @return the page, with the total number of users
     */
    Page<User> page(int pageNumber, int pageSize);

    /**
     * Keyset pagination by username: the users whose username sorts after {@code afterUsername},
     * in username order. Unlike {@link #page}, its cost does not grow with the depth.
     *
     * @param afterUsername the last username of the previous page, or null to start at the beginning;
     *                      any 1 to 50 characters of the username alphabet (it need not exist),
     *                      matched case-insensitively
     * @param limit         1 to 1000
     * @return at most {@code limit} users
     * @throws IllegalArgumentException when the cursor holds a character no username can (a space,
     *                                  a control character: MariaDB's PAD SPACE collation would
     *                                  compare it differently from code point order)
     */
    List<User> listAfter(String afterUsername, int limit);

    /**
     * The dynamic query: only the criteria present in {@code query} take part in the SQL.
     *
     * @return at most {@code query.limit()} users, in {@code query.sort()} order
     */
    List<User> search(UserQuery query);

    /**
     * Every user, ordered by id, read lazily: rows are fetched as the stream is consumed, so a
     * million users are never in memory at once. The stream holds a connection until it is
     * closed; the caller must close it (try-with-resources).
     *
     * @return an open stream of users
     */
    Stream<User> streamAll();

    /**
     * Changes a user's e-mail under an optimistic lock.
     * Budget: at most 2 statements when it succeeds.
     *
     * @param expectedVersion the version the caller read
     * @param newEmail        validated as for {@link NewUser}, stored lower case
     * @return the changed user, its version one more than {@code expectedVersion}, also when the
     *         new address equals the old one: a change that changes nothing is still a write, so a
     *         second writer holding {@code expectedVersion} gets {@link StaleUserException}. (An ORM's
     *         dirty check skips such an UPDATE unless told otherwise; the Hibernate store forces the
     *         version increment.)
     * @throws StaleUserException     when the stored version is no longer {@code expectedVersion}
     * @throws UserNotFoundException  when there is no user with that id
     * @throws DuplicateUserException when another user has that e-mail
     */
    User changeEmail(long id, long expectedVersion, String newEmail);

    /**
     * Deletes a user; the database's {@code ON DELETE CASCADE} deletes their purchases, which are
     * never loaded. Budget: at most 2 statements.
     *
     * @return true if a user was deleted, false if there was none with that id
     */
    boolean delete(long id);

    /**
     * Adds a purchase to a user.
     *
     * @return the stored purchase with its new id
     * @throws UserNotFoundException when there is no user with that id
     */
    Purchase addPurchase(long userId, NewPurchase purchase);

    /**
     * A user with all their purchases, ordered by {@code placedAt}, then id.
     * Budget: at most 2 statements, whatever the number of purchases.
     *
     * @return the user and purchases, or an empty {@code Optional} when there is no such user
     */
    Optional<UserWithPurchases> findWithPurchases(long userId);

    /**
     * Creates a user together with their purchases, in one transaction (a graph insert: the new
     * user's key carried down to the children): all of it is written, or nothing.
     * Budget: at most 4 round trips, whatever the number of purchases (the user's insert, one
     * batch of the purchases' inserts, and, for a store that reserves ids in blocks, refilling a
     * block of user ids and one of purchase ids), and exactly one commit.
     *
     * @param user      validated as for {@link #create}
     * @param purchases the user's purchases, possibly empty; at most
     *                  {@link dev.fourways.domain.PurchaseChanges#MAX_CHILDREN}
     * @return the stored user (version 0) with the stored purchases, ordered as
     *         {@link #findWithPurchases} orders them; exactly what {@code findWithPurchases}
     *         returns right after
     * @throws DuplicateUserException when the username or the e-mail is taken; nothing is written
     * @throws IllegalArgumentException naming {@code purchases} when the list is null, holds null
     *                                  or is too long; before any SQL
     */
    UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases);

    /**
     * Adds, changes and removes some of a user's purchases in one call, under the user's
     * optimistic lock: the peers' "update a one-to-many relation: add two, update two, delete one,
     * all at once". All of it is written, or nothing; the user's version goes up by one, also
     * when {@code changes} is empty (a write that changes nothing is a write, as in
     * {@link #changeEmail}), so a second writer holding {@code expectedVersion} gets
     * {@link StaleUserException}. The user's row stays locked until the commit, so two calls for
     * one user never interleave.
     * Budget: at most 6 round trips, whatever the number of purchases added, changed or removed
     * (for example: the version check and bump, the read of the user's purchases, a refill of
     * reserved purchase ids, and one batch per kind of change), and exactly one commit.
     *
     * @param expectedVersion the version the caller read
     * @param changes         what to add, change and remove (validated by
     *                        {@link dev.fourways.domain.PurchaseChanges})
     * @return the user after the call (version {@code expectedVersion + 1}) with all of their
     *         purchases, ordered as {@link #findWithPurchases} orders them; exactly what
     *         {@code findWithPurchases} returns right after
     * @throws UserNotFoundException     when there is no user with that id
     * @throws StaleUserException        when the stored version is no longer {@code expectedVersion}
     * @throws dev.fourways.error.PurchaseNotFoundException when a purchase to change or remove is
     *                                   not one of this user's (no such id, or another user's)
     */
    UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes);

    /**
     * A purchase with the user who placed it (many-to-one), in one statement: the purchase joined
     * to its user, never a second query for the user, whatever the style's mapping does by
     * default (an ORM's lazy or eager association must not add a round trip).
     * Budget: exactly 1 statement, in autocommit.
     *
     * @param purchaseId any value; an id no purchase has gives an empty {@code Optional}
     * @return the purchase and its user as stored now, or an empty {@code Optional} when there is
     *         no purchase with that id
     */
    Optional<PurchaseWithUser> findPurchase(long purchaseId);

    /**
     * A page of users, in {@link #page} order, each with all their purchases (ordered as in
     * {@link #findWithPurchases}). Budget: at most 2 statements, whatever the page size. A store
     * that needs two statements reads them from one snapshot, as {@link #page} does, so that the
     * answer is one page however others write meanwhile.
     *
     * @param pageNumber from 0; a page past the end is empty
     * @param pageSize   1 to 1000
     * @return at most {@code pageSize} users with their purchases
     */
    List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize);

    /**
     * Cancels, in one bulk update that loads nothing, every NEW or PAID purchase placed before
     * {@code cutoff}. Budget: 1 statement, which reads only the purchases placed before the
     * cut-off (the index on placed_at), not every NEW or PAID one. On H2 the stores therefore name
     * that index ({@code ... where id in (select id from purchases use index (purchases_placed_idx)
     * where status in (...) and placed_at < ?)}): for {@code status in (...)} H2 2.5 picks
     * purchases_status_placed_idx and drops the range on placed_at, which read every NEW and PAID
     * purchase (6–9 ms per call with 105,000 purchases, against 0.26 ms).
     *
     * @param cutoff exclusive
     * @return the number of purchases cancelled
     */
    int cancelPurchasesPlacedBefore(Instant cutoff);

    /**
     * The users who spent most: over purchases placed at or after {@code since} that are not
     * CANCELLED, grouped by user, ordered by total descending, then username ascending.
     * Users without such purchases do not appear. Budget: 1 statement.
     *
     * @param limit 1 to 1000
     * @return at most {@code limit} summaries
     */
    List<SpenderSummary> topSpenders(Instant since, int limit);

    /**
     * Merges two users, atomically: moves every purchase of {@code removeId} to {@code keepId},
     * deletes {@code removeId} and bumps {@code keepId}'s version by one. If any step fails,
     * nothing has changed. Budget: at most 6 statements, whatever the number of purchases moved.
     *
     * @return the kept user, after the merge
     * @throws IllegalArgumentException when the two ids are equal
     * @throws UserNotFoundException    when either user does not exist
     */
    User mergeUsers(long keepId, long removeId);

    /**
     * Inserts a user, or, when a user with that username exists, updates that user's e-mail and
     * display name to the given ones and bumps its version by one (also when nothing changes: an
     * upsert that matches is a write, as in {@link #changeEmail}). Atomic, in one statement where
     * the database has one; concurrent upserts of one username never raise a duplicate-username
     * error: exactly one of them inserts, the others update (in some order), so the stored row
     * holds the values of the last writer and a version equal to the number of updates.
     *
     * <p>The matched user keeps its id, username and {@code createdAt} ({@code user.createdAt()} is
     * used only when inserting). The e-mail's unique constraint still applies: when the e-mail
     * belongs to another user (another username), nothing is written and
     * {@link DuplicateUserException} with field {@code EMAIL} is raised, on the insert path and on
     * the update path alike. (MariaDB's {@code ON DUPLICATE KEY UPDATE} fires on the e-mail's
     * unique key too, and would update that other user; a MariaDB store must prevent that, see
     * the JDBC reference.)
     *
     * <p>Statements, in autocommit (no commit, no rollback), per database, as the JDBC reference
     * sends them:
     * <ul>
     *   <li>PostgreSQL: {@code insert ... on conflict (username) do update set email = excluded.email,
     *       display_name = excluded.display_name, version = users.version + 1 returning ...}</li>
     *   <li>MariaDB (10.5+): {@code insert ... on duplicate key update} with each assignment
     *       guarded by {@code if(username = values(username), <new>, <old>)}, {@code returning ...};
     *       a returned row with another username means the e-mail's key matched another user, whose
     *       row was left as it was: EMAIL taken.</li>
     *   <li>H2: one transaction (one commit) of two statements: {@code merge into users using (values
     *       ...) on username when matched then update ... when not matched then insert ...}, then the
     *       SELECT of the row by username. Not {@code select ... from final table (merge ...)}: in H2
     *       2.5.252 a data change delta table keeps a change that violated the e-mail's unique
     *       constraint (two users with one e-mail). H2's MERGE is not atomic against a concurrent
     *       insert of the same username (it raises the duplicate), so a store retries the
     *       transaction once on a duplicate USERNAME: the retry matches the row and updates it.</li>
     * </ul>
     * Budget: at most 2 round trips (PostgreSQL and MariaDB 1; H2 2, and 2 more for its one
     * retry under a concurrent insert; a store that reserves ids in blocks may spend one more on
     * refilling its block).
     *
     * @param user validated as for {@link #create}
     * @return the user as stored after the call: a new id and version 0 when inserted; the existing
     *         id, username and createdAt, the new e-mail and display name, and the version plus one
     *         when updated
     * @throws DuplicateUserException with field {@code EMAIL} when another user has the e-mail;
     *                                nothing is written
     */
    User upsert(NewUser user);

    /**
     * A fulfilment worker's claim, under a pessimistic lock: takes up to {@code limit} PAID
     * purchases, oldest first ({@code placedAt}, then id), marks them SHIPPED and returns them.
     * Purchases that another transaction holds locked (another worker's claim in progress, or any
     * {@code SELECT ... FOR UPDATE}) are skipped, never waited for: concurrent workers never block
     * one another and never claim the same purchase twice.
     *
     * <p>One transaction (one commit) at READ COMMITTED on every database (the default of
     * PostgreSQL and H2; on MariaDB it must be set: under InnoDB's default REPEATABLE READ the claim
     * waited for rows another claim held instead of skipping them, as the contract's
     * {@code skipsWhatAnotherTransactionHoldsLockedWithoutWaiting} showed on MariaDB 10.11): a {@code SELECT ... WHERE status = 'PAID' ORDER BY placed_at, id LIMIT ? FOR
     * UPDATE SKIP LOCKED} (PostgreSQL 9.5+, MariaDB 10.6+, H2 2.2+), then one
     * {@code UPDATE ... SET status = 'SHIPPED' WHERE id IN (...)} of the rows it locked. Because
     * the lock skips, a claim may return fewer than {@code limit} (even none) while PAID purchases
     * remain that others hold; it never returns a purchase that was not PAID when it locked it.
     * PostgreSQL and MariaDB skip the locked rows and then apply the limit; H2 (2.5) applies the
     * limit first and then drops the locked rows, so on H2 a claim returns the unlocked ones among
     * the oldest {@code limit} PAID purchases (possibly none while others hold those).
     * The index {@code purchases_status_placed_idx (status, placed_at, id)} lets the lock touch only
     * the rows it returns. On H2 the stores therefore select the oldest {@code limit} ids in a
     * subquery ({@code ... and id in (select id ... order by status, placed_at, id limit ?) ... for
     * update skip locked}): the same answer, but locking the plain query made H2 2.5 read and sort
     * every PAID row (26–72 ms per claim with 25,000 PAID purchases, against about 1 ms).
     * Budget: at most 2 statements, whatever {@code limit}.
     *
     * @param limit 1 to 1000
     * @return the claimed purchases, as stored now (status SHIPPED), ordered by {@code placedAt},
     *         then id; empty when no unlocked PAID purchase exists
     */
    List<Purchase> claimPaidPurchases(int limit);

    /**
     * Runs {@code work} as one unit of work: a request's worth of calls sharing one transaction,
     * as a web application's request-scoped session does (open when the request starts, committed
     * or rolled back when it ends). Every call made through the store handed to {@code work} runs
     * on one connection, in each library's own unit of work: a JDBC {@code Connection}, a
     * Hibernate {@code Session} (one persistence context), a MyBatis {@code SqlSession}, a Jdbi
     * {@code Handle}, a jOOQ {@code DSLContext} of a transaction.
     *
     * <h4>Rules</h4>
     * <ul>
     *   <li><b>One transaction, at READ COMMITTED</b> on every database (set on MariaDB, whose
     *       default is REPEATABLE READ): each statement sees what others committed before it, and
     *       {@link #claimPaidPurchases} skips locked rows as it does on its own.</li>
     *   <li><b>Commit when {@code work} returns, roll back when it throws</b>: exactly one
     *       {@code Connection.commit()} on success and none on failure (counted as in the
     *       transaction policy above). The exception {@code work} threw reaches the caller
     *       unchanged (the same instance). The connection goes back to the pool either way.</li>
     *   <li><b>The operations' own transactions join the unit's</b>: {@link #createAll},
     *       {@link #mergeUsers}, {@link #changeEmail} and the rest commit nothing of their own.
     *       {@link #page} and {@link #pageWithPurchases} read at the unit's isolation, not at
     *       snapshot isolation.</li>
     *   <li><b>Reads see the unit's own writes</b>; other connections see none of them until the
     *       commit. A store may answer a read from its unit's persistence context (Hibernate's
     *       first-level cache), so a repeated {@link #findById} may send fewer statements than it
     *       is called; every statement budget above still holds per call.</li>
     *   <li><b>A failed call dooms the unit</b>: once a call through the handed store raises (any
     *       exception but an {@link IllegalArgumentException} for an argument refused before any
     *       SQL), the unit will roll back; a later call raises {@link IllegalStateException}, and
     *       when {@code work} returns anyway, {@code inUnitOfWork} rolls back and throws that
     *       first failure. (PostgreSQL refuses every statement of a transaction after an error, and
     *       a Hibernate session must be discarded after an exception, so no style could go on.)</li>
     *   <li><b>{@link #streamAll} inside a unit</b> reads on the unit's connection, sees the unit's
     *       writes, and must be closed before {@code work} returns; a stream still open when the
     *       unit ends is closed by it, before the commit.</li>
     *   <li><b>The handed store belongs to the unit and to the thread running {@code work}</b>: it
     *       is not thread-safe; any call after the unit ended raises {@link IllegalStateException},
     *       as do {@code close()} and a nested {@code inUnitOfWork} on it (units do not nest).</li>
     * </ul>
     * Budget: the round trips of the calls made, plus the transaction's start and commit.
     *
     * @param work the request: calls the handed store, returns its result (may be null)
     * @param <R>  the result's type
     * @return what {@code work} returned, after the commit
     * @throws StoreException      when the database fails, including at the commit; nothing is written
     * @throws RuntimeException    whatever {@code work} threw, unchanged; nothing is written
     * @throws IllegalArgumentException when {@code work} is null
     */
    <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work);

    /**
     * Releases what the store built. Never closes the caller's {@code DataSource}. Idempotent.
     */
    @Override
    void close();
}
