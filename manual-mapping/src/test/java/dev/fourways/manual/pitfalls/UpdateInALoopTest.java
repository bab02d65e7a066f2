package dev.fourways.manual.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.db.Database;
import dev.fourways.db.PooledIds;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.manual.JdbiUserStoreProvider;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * A "batch" that is a loop of single updates. {@code createUpdate(...).execute()} once per user
 * sends each insert on its own, even inside one transaction: 100 users cost one round trip for the
 * ids and 100 inserts, over the contract's budget of 50 round trips for {@code createAll} (set for
 * 1,000 users). The idiom is a {@code PreparedBatch}: each {@code add()} keeps one set of bindings
 * and {@code execute()} sends them all as one JDBC batch, as the store's {@code createAll} does.
 *
 * @see dev.fourways.UserStore#createAll
 * @see <a href="https://jdbi.org/apidocs/org/jdbi/v3/core/statement/PreparedBatch.html">Jdbi PreparedBatch</a>
 */
class UpdateInALoopTest {

    private static final int USERS = 100;
    /** {@code createAll}'s budget in the contract suite (for 1,000 users). */
    private static final int CONTRACT_BUDGET = 50;

    private static List<NewUser> input() {
        return IntStream.range(0, USERS).mapToObj(i -> NewUser.of("bulk" + i, "bulk" + i + "@pitfall.test")).toList();
    }

    @Test
    void executingOneUpdatePerUserCostsOneRoundTripPerUser() {
        try (PitfallDatabase db = PitfallDatabase.seeded()) {
            Jdbi jdbi = Jdbi.create(db.counted());
            String nextValues = Database.of(db.raw()).nextValuesSql("users_seq");
            db.reset();
            List<User> created = jdbi.inTransaction(h -> {
                long[] ids = new PooledIds().take(USERS, n -> h.createQuery(nextValues).bind(0, n)
                        .mapTo(long.class).list().stream().mapToLong(Long::longValue).toArray());
                List<User> out = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    User user = input().get(i).toUser(ids[i]);
                    // The naive part: one statement, one round trip, per user.
                    h.createUpdate("""
                                    insert into users (id, username, email, display_name, created_at, version)
                                    values (:id, :username, :email, :displayName, :createdAt, 0)""")
                            .bind("id", user.id())
                            .bind("username", user.username())
                            .bind("email", user.email())
                            .bind("displayName", user.displayName())
                            // As the store binds it: an OffsetDateTime at UTC, not a zone-dependent Timestamp.
                            .bind("createdAt", user.createdAt().atOffset(ZoneOffset.UTC))
                            .execute();
                    out.add(user);
                }
                return out;
            });
            db.record(getClass(), "naive");
            assertThat(created).hasSize(USERS);
            assertThat(db.statements()).as("1 for the ids + 1 insert per user:\n%s", db.sent()).isEqualTo(1 + USERS)
                    .isGreaterThan(CONTRACT_BUDGET);
        }
    }

    @Test
    void theStoresPreparedBatchSendsTheIdsAndOneBatch() {
        try (PitfallDatabase db = PitfallDatabase.seeded();
             UserStore store = new JdbiUserStoreProvider().open(db.counted())) {
            db.reset();
            List<User> created = store.createAll(input());
            db.record(getClass(), "idiom");
            assertThat(created).hasSize(USERS).extracting(User::id).doesNotHaveDuplicates();
            assertThat(db.statements()).as("1 for the ids + 1 batch:\n%s", db.sent()).isEqualTo(2);
        }
    }
}
