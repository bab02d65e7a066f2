package dev.fourways.declarative;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;
import org.hibernate.StatelessSession;
import org.hibernate.annotations.processing.HQL;
import org.hibernate.query.Page;
import org.hibernate.query.SelectionQuery;

/**
 * The queries of {@link HibernateUserStore}, declared as method signatures and checked at compile
 * time. Hibernate Processor (the annotation processor in {@code pom.xml}) parses each {@code @HQL}
 * string against the entities, checks that every {@code :name} has a method parameter of that name
 * and type, and writes the implementation into {@code UserQueries_}, one static method per query
 * with the session as first argument. A misspelt attribute or a parameter of the wrong type is a
 * compile error, not a failure at the first call.
 * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#generated-query-methods
 *
 * <p>The session type says where a query runs: a {@link StatelessSession} for reads that only copy
 * rows into records and for bulk statements, a {@link Session} where the persistence context works
 * ({@code mergeUsers}). A {@link Page} parameter becomes {@code setPage}, an offset page. 
 * The processor accepts only {@code int}/{@code long}/{@code boolean}/{@code void} for a mutation
 * query, so a stateless session's mutation query, which needs {@code setTimeout} (see
 * {@code HibernateUserStore.timed}), is run by name: its HQL is still checked here at compile time
 * and taken from the generated {@code UserQueries_} constant.
 *
 * <p>The reads a unit of work also runs, on its stateful {@link Session}, are declared a second time
 * in {@link UnitOfWorkQueries} with the same HQL: the constants below, so that each query is
 * written once. (Two methods of one interface that differ only in the session type would give the
 * generated class two constants of one name.)
 */
interface UserQueries {

    String BY_USERNAME = "where username = :username";
    String COUNT_USERS = "select count(*) from UserEntity";
    String BY_USERNAME_ORDER = "order by username";
    String FIRST_USERS = "order by username limit :limit";
    String USERS_AFTER = "where username > :after order by username limit :limit";
    String ALL_USERS_BY_ID = "select id, username, email, displayName, createdAt, version from UserEntity order by id";
    String WITH_PURCHASES = "from UserEntity u left join fetch u.purchases where u.id = :id";
    String PURCHASE_WITH_USER = "from PurchaseEntity p join fetch p.user where p.id = :id";
    String PAGE_WITH_PURCHASES = """
            select u from (select k.id as id from UserEntity k order by k.username limit :size offset :offset) page
            join UserEntity u on u.id = page.id
            left join fetch u.purchases
            order by u.username""";
    String TOP_SPENDERS = """
            select u.id, u.username, count(*), sum(p.amount)
            from PurchaseEntity p join p.user u
            where p.placedAt >= :since and p.status <> :cancelled
            group by u.id, u.username
            order by sum(p.amount) desc, u.username
            limit :limit""";
    String PAID_PURCHASES = """
            select id, user.id, amount, status, placedAt from PurchaseEntity
            where status = :paid order by placedAt, id""";
    String OLDEST_PAID_PURCHASES_ON_H2 = """
            select id, user.id, amount, status, placedAt from PurchaseEntity
            where status = :paid
              and id in (select p.id from PurchaseEntity p where p.status = :paid
                         order by p.status, p.placedAt, p.id limit :limit)
            order by placedAt, id""";

    @HQL(BY_USERNAME)
    Optional<UserEntity> findByUsername(StatelessSession session, String username);

    @HQL(COUNT_USERS)
    long countUsers(StatelessSession session);

    @HQL(BY_USERNAME_ORDER)
    List<UserEntity> usersByUsername(StatelessSession session, Page page);

    /** The first page of {@code listAfter}: no offset to skip, so {@code limit} rather than a {@link Page}. */
    @HQL(FIRST_USERS)
    List<UserEntity> firstUsers(StatelessSession session, int limit);

    @HQL(USERS_AFTER)
    List<UserEntity> usersAfter(StatelessSession session, String after, int limit);

    /**
     * The select list goes straight into the {@link User} record: no entity per row. Returns the
     * query, not its results, so that the caller sets the fetch size and streams it.
     */
    @HQL(ALL_USERS_BY_ID)
    SelectionQuery<User> allUsersById(StatelessSession session);

    @HQL("delete from UserEntity where id = :id")
    int deleteUser(StatelessSession session, Long id);

    /** One statement: the user left-joined to its purchases, ordered by the collection's {@code @OrderBy}. */
    @HQL(WITH_PURCHASES)
    Optional<UserEntity> findWithPurchases(StatelessSession session, Long id);

    /**
     * One statement: the purchase inner-joined to its user, fetched. The association is LAZY, so
     * without {@code join fetch} the first read of the user would send a second query.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#join-fetch
     */
    @HQL(PURCHASE_WITH_USER)
    Optional<PurchaseEntity> findPurchase(StatelessSession session, Long id);

    /**
     * One page of users with their purchases, in one statement: the derived table cuts the page
     * (ids only, in username order), the join fetch brings each of those users' purchases. The
     * limit is inside the subquery, so it never cuts a user's purchases short.
     */
    @HQL(PAGE_WITH_PURCHASES)
    List<UserEntity> pageWithPurchases(StatelessSession session, int size, int offset);

    @HQL("""
            update PurchaseEntity set status = :cancelled
            where status in (:placed, :paid) and placedAt < :cutoff""")
    int cancelPurchases(StatelessSession session, PurchaseStatus cancelled, PurchaseStatus placed,
                        PurchaseStatus paid, Instant cutoff);

    /** An aggregate is not an entity: the select list goes into the {@link SpenderSummary} record. */
    @HQL(TOP_SPENDERS)
    List<SpenderSummary> topSpenders(StatelessSession session, Instant since, PurchaseStatus cancelled, int limit);

    /** The user {@code changeEmail} changes, loaded into the stateful session's persistence context. */
    @HQL("where id = :id")
    SelectionQuery<UserEntity> userToChange(Session session, Long id);

    /**
     * The aggregate {@code changePurchases} changes: the user and all of its purchases in one
     * statement ({@code join fetch}), loaded into the stateful session's persistence context, where
     * dirty checking and orphan removal work on them. No lock mode: the caller locks the user with
     * its version increment ({@code HibernateUserStore.changePurchases} says why).
     */
    @HQL(WITH_PURCHASES)
    SelectionQuery<UserEntity> aggregateToChange(Session session, Long id);

    /** Both users of a merge, in id order; the caller adds the lock mode. */
    @HQL("from UserEntity where id in (:keep, :remove) order by id")
    SelectionQuery<UserEntity> usersToMerge(Session session, Long keep, Long remove);

    /** A bulk update: it bypasses the persistence context, so it must run before the delete is flushed. */
    @HQL("update PurchaseEntity set user = :keep where user = :remove")
    int movePurchases(Session session, UserEntity keep, UserEntity remove);

    /**
     * The upsert, in HQL: Hibernate 6.5+ accepts {@code insert ... on conflict (attribute) do update
     * set ...}, with {@code excluded} naming the row that was not inserted, and translates it per
     * dialect (PostgreSQL: its own {@code ON CONFLICT}; H2: a {@code MERGE}). The id comes from the
     * entity's sequence generator, as for any HQL insert; {@code @Version} starts at 0 and is
     * bumped explicitly on the update path. The row is read back by {@link #findByUsername} in
     * the same transaction (HQL has no {@code returning}).
     * https://docs.jboss.org/hibernate/orm/7.0/querylanguage/html_single/Hibernate_Query_Language.html#insert
     */
    @HQL("""
            insert into UserEntity (username, email, displayName, createdAt, version)
            values (:username, :email, :displayName, :createdAt, 0)
            on conflict (username) do update
            set email = excluded.email, displayName = excluded.displayName, version = version + 1""")
    int upsertUser(StatelessSession session, String username, String email, String displayName, Instant createdAt);

    /**
     * The PAID purchases, oldest first, as records with the buyer's id read from the foreign key
     * (no join). Returns the query: the caller adds the pessimistic lock that skips locked rows
     * and the limit, which Hibernate renders in SQL.
     */
    @HQL(PAID_PURCHASES)
    SelectionQuery<Purchase> paidPurchases(StatelessSession session, PurchaseStatus paid);

    /**
     * {@link #paidPurchases} for H2, with the limit inside: the oldest {@code limit} ids in a
     * subquery that H2 2.5 reads in index order ({@code order by status, ...} walks
     * purchases_status_placed_idx sorted), then the caller's lock on those rows only. H2 applies
     * the limit before it drops locked rows anyway ({@code UserStore.claimPaidPurchases}); locking
     * {@code paidPurchases} with a limit made H2 read and sort every PAID row (26–72 ms per claim
     * with 25,000 PAID purchases, against 1.3 ms in this shape). The outer {@code status} test drops
     * a row another claim shipped meanwhile.
     */
    @HQL(OLDEST_PAID_PURCHASES_ON_H2)
    SelectionQuery<Purchase> oldestPaidPurchasesOnH2(StatelessSession session, PurchaseStatus paid, int limit);

    /** The second statement of a claim: the rows the first one locked, marked shipped. */
    @HQL("update PurchaseEntity set status = :shipped where id in (:ids)")
    int markShipped(StatelessSession session, PurchaseStatus shipped, List<Long> ids);
}
