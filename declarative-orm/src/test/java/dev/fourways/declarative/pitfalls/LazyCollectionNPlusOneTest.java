package dev.fourways.declarative.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.declarative.HibernateUserStoreProvider;
import dev.fourways.declarative.PurchaseEntity;
import dev.fourways.declarative.UserEntity;
import java.lang.reflect.Method;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.junit.jupiter.api.Test;

/**
 * An N+1 through a lazy collection. Loading a page of users and then touching each one's
 * {@code purchases} runs one select for the page and one more per user, because the collection is
 * lazy (as it should be) and nothing asked for it up front; the contract's budget for
 * {@code pageWithPurchases} is 2 statements whatever the page size. The idiom fetches the
 * collection in the query ({@code join fetch}), as the store does.
 *
 * @see dev.fourways.UserStore#pageWithPurchases
 * @see <a href="https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#association-fetching">Hibernate 7: association fetching</a>
 */
class LazyCollectionNPlusOneTest {

    private static final int PAGE = 5;

    @Test
    void touchingALazyCollectionPerUserCostsOneSelectPerUser() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve");
             SessionFactory sessionFactory = sessionFactory(db)) {
            db.reset();
            int purchases = sessionFactory.fromSession(session -> {
                List<UserEntity> users = session.createSelectionQuery("from UserEntity order by username", UserEntity.class)
                        .setMaxResults(PAGE).getResultList();
                // What u.getPurchases().size() in a loop does (the getter is package-private, hence
                // reflection here): each call initialises one lazy collection, one select each.
                return users.stream().mapToInt(LazyCollectionNPlusOneTest::purchasesOf).sum();
            });
            db.record(getClass(), "naive");
            assertThat(purchases).isEqualTo(PAGE * PitfallDatabase.PURCHASES);
            assertThat(db.statements()).as("1 for the page + 1 per user:\n%s", db.sent()).isEqualTo(1 + PAGE)
                    .isGreaterThan(2);
        }
    }

    @Test
    void theStoresJoinFetchReadsThePageAndItsPurchasesWithinTheBudget() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve");
             UserStore store = new HibernateUserStoreProvider().open(db.counted())) {
            db.reset();
            var page = store.pageWithPurchases(0, PAGE);
            db.record(getClass(), "idiom");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as(db.sent()).isLessThanOrEqualTo(2);
        }
    }

    private static int purchasesOf(UserEntity user) {
        try {
            Method getter = UserEntity.class.getDeclaredMethod("getPurchases");
            getter.setAccessible(true);
            return ((List<?>) getter.invoke(user)).size();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static SessionFactory sessionFactory(PitfallDatabase db) {
        return (SessionFactory) new HibernatePersistenceConfiguration("pitfall")
                .managedClasses(UserEntity.class, PurchaseEntity.class)
                .property(JdbcSettings.JAKARTA_NON_JTA_DATASOURCE, db.counted())
                .createEntityManagerFactory();
    }
}
