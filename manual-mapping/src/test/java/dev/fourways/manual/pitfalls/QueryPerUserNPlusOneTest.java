package dev.fourways.manual.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.manual.JdbiUserStoreProvider;
import dev.fourways.manual.PurchaseRowMapper;
import dev.fourways.manual.UserRowMapper;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * An N+1 from a query per user in a loop. Reading a page of users and then, for each, its
 * purchases with a second query on the same handle sends one select for the page and one per user:
 * 6 statements for a page of 5, where the contract's budget for {@code pageWithPurchases} is 2
 * whatever the page size. The idiom is one joined select folded into one object per user with
 * {@code reduceRows} (a {@code LinkedHashMapRowReducer}), as the store does.
 *
 * @see dev.fourways.UserStore#pageWithPurchases
 * @see <a href="https://jdbi.org/apidocs/org/jdbi/v3/core/result/RowReducer.html">Jdbi RowReducer: collapsing one-to-many joins</a>
 */
class QueryPerUserNPlusOneTest {

    private static final int PAGE = 5;

    @Test
    void aQueryPerUserCostsOneSelectPerUser() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve")) {
            Jdbi jdbi = Jdbi.create(db.counted());
            db.reset();
            List<UserWithPurchases> page = jdbi.withHandle(h -> {
                List<User> users = h.createQuery("""
                                select u.id, u.username, u.email, u.display_name, u.created_at, u.version
                                from users u order by u.username limit :limit""")
                        .bind("limit", PAGE)
                        .map(new UserRowMapper())
                        .list();
                // The naive part: one more query for each user of the page.
                return users.stream().map(u -> new UserWithPurchases(u, h.createQuery("""
                                select p.id, p.user_id, p.amount, p.status, p.placed_at
                                from purchases p where p.user_id = :id order by p.placed_at, p.id""")
                        .bind("id", u.id())
                        .map(new PurchaseRowMapper(""))
                        .list())).toList();
            });
            db.record(getClass(), "naive");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as("1 for the page + 1 per user:\n%s", db.sent()).isEqualTo(1 + PAGE)
                    .isGreaterThan(2);
        }
    }

    @Test
    void theStoresJoinReducedByRowsReadsThePageInOneSelect() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve");
             UserStore store = new JdbiUserStoreProvider().open(db.counted())) {
            db.reset();
            List<UserWithPurchases> page = store.pageWithPurchases(0, PAGE);
            db.record(getClass(), "idiom");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as(db.sent()).isEqualTo(1);
        }
    }
}
