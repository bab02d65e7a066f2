package dev.fourways.declarative;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;
import org.hibernate.annotations.processing.HQL;
import org.hibernate.query.Page;
import org.hibernate.query.SelectionQuery;

/**
 * The reads of {@link UserQueries} that a store also runs on a stateful {@link Session}: the
 * session of a unit of work ({@code HibernateUserStore.inUnitOfWork}), where every call of the
 * request runs in one persistence context. Same HQL (the constants of {@link UserQueries}), checked
 * and implemented by Hibernate Processor in {@code UnitOfWorkQueries_}; only the session type
 * differs, because a generated query method takes exactly one kind of session
 * (https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#generated-query-methods).
 *
 * <p>On a stateful session these queries flush pending changes first when they touch the same
 * tables (auto flush), and an entity already in the persistence context comes back as that
 * managed instance, with the state the context holds.
 */
interface UnitOfWorkQueries {

    @HQL(UserQueries.BY_USERNAME)
    Optional<UserEntity> findByUsername(Session session, String username);

    @HQL(UserQueries.COUNT_USERS)
    long countUsers(Session session);

    @HQL(UserQueries.BY_USERNAME_ORDER)
    List<UserEntity> usersByUsername(Session session, Page page);

    @HQL(UserQueries.FIRST_USERS)
    List<UserEntity> firstUsers(Session session, int limit);

    @HQL(UserQueries.USERS_AFTER)
    List<UserEntity> usersAfter(Session session, String after, int limit);

    @HQL(UserQueries.ALL_USERS_BY_ID)
    SelectionQuery<User> allUsersById(Session session);

    @HQL(UserQueries.WITH_PURCHASES)
    Optional<UserEntity> findWithPurchases(Session session, Long id);

    @HQL(UserQueries.PURCHASE_WITH_USER)
    Optional<PurchaseEntity> findPurchase(Session session, Long id);

    @HQL(UserQueries.PAGE_WITH_PURCHASES)
    List<UserEntity> pageWithPurchases(Session session, int size, int offset);

    @HQL(UserQueries.TOP_SPENDERS)
    List<SpenderSummary> topSpenders(Session session, Instant since, PurchaseStatus cancelled, int limit);

    @HQL(UserQueries.PAID_PURCHASES)
    SelectionQuery<Purchase> paidPurchases(Session session, PurchaseStatus paid);

    @HQL(UserQueries.OLDEST_PAID_PURCHASES_ON_H2)
    SelectionQuery<Purchase> oldestPaidPurchasesOnH2(Session session, PurchaseStatus paid, int limit);
}
