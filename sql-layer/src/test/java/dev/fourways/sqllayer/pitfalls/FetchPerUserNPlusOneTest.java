package dev.fourways.sqllayer.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static dev.fourways.sqllayer.generated.Tables.PURCHASES;
import static dev.fourways.sqllayer.generated.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.Records.mapping;

import dev.fourways.UserStore;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.sqllayer.JooqUserStoreProvider;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/**
 * An N+1 from a fetch per user in a loop. Fetching a page of users and then each one's purchases
 * with a second query sends one select for the page and one per user: 6 statements for a page of
 * 5, where the contract's budget for {@code pageWithPurchases} is 2 whatever the page size. The
 * idiom nests the purchases in the page's own select with {@code MULTISET} (emulated with the
 * database's JSON functions), one statement, as the store does.
 *
 * @see dev.fourways.UserStore#pageWithPurchases
 * @see <a href="https://www.jooq.org/doc/3.19/manual/sql-building/column-expressions/multiset-value-constructor/">jOOQ 3.19 manual: MULTISET value constructor</a>
 */
class FetchPerUserNPlusOneTest {

    private static final int PAGE = 5;

    @Test
    void aFetchPerUserCostsOneSelectPerUser() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve")) {
            DSLContext ctx = PitfallDsl.over(db.counted(), db.raw());
            db.reset();
            List<User> users = ctx.select(USERS.ID, USERS.USERNAME, USERS.EMAIL, USERS.DISPLAY_NAME, USERS.CREATED_AT,
                            USERS.VERSION)
                    .from(USERS)
                    .orderBy(USERS.USERNAME)
                    .limit(PAGE)
                    .fetch(mapping(User::new));
            // The naive part: one more query for each user of the page.
            List<UserWithPurchases> page = users.stream().map(u -> new UserWithPurchases(u,
                    ctx.select(PURCHASES.ID, PURCHASES.USER_ID, PURCHASES.AMOUNT, PURCHASES.STATUS, PURCHASES.PLACED_AT)
                            .from(PURCHASES)
                            .where(PURCHASES.USER_ID.eq(u.id()))
                            .orderBy(PURCHASES.PLACED_AT, PURCHASES.ID)
                            .fetch(mapping(Purchase::new)))).toList();
            db.record(getClass(), "naive");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as("1 for the page + 1 per user:\n%s", db.sent()).isEqualTo(1 + PAGE)
                    .isGreaterThan(2);
        }
    }

    @Test
    void theStoresMultisetReadsThePageInOneSelect() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve");
             UserStore store = new JooqUserStoreProvider().open(db.counted())) {
            db.reset();
            List<UserWithPurchases> page = store.pageWithPurchases(0, PAGE);
            db.record(getClass(), "idiom");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as(db.sent()).isEqualTo(1);
        }
    }
}
