package dev.fourways.mapperxml.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.db.PooledIds;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.mapperxml.MyBatisUserStoreProvider;
import dev.fourways.mapperxml.SqlSessionFactories;
import dev.fourways.mapperxml.UserMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;

/**
 * A "batch" that is a loop of single inserts. Calling the mapper's {@code insert} once per user in
 * a session opened with {@code openSession()} runs it on the default {@code ExecutorType.SIMPLE}
 * executor, which sends every statement as it is called: 100 users cost one round trip for the ids
 * and 100 inserts, over the contract's budget of 50 round trips for {@code createAll} (set for
 * 1,000 users). The idiom is the same mapper statement in a session opened with
 * {@code ExecutorType.BATCH}, which only adds each row to one JDBC batch and sends it when
 * {@code commit()} flushes it, as the store's {@code createAll} does.
 *
 * @see dev.fourways.UserStore#createAll
 * @see <a href="https://mybatis.org/mybatis-3/java-api.html">MyBatis Java API: SqlSessionFactory, ExecutorType</a>
 */
class SimpleExecutorInsertLoopTest {

    private static final int USERS = 100;
    /** {@code createAll}'s budget in the contract suite (for 1,000 users). */
    private static final int CONTRACT_BUDGET = 50;

    private static List<NewUser> input() {
        return IntStream.range(0, USERS).mapToObj(i -> NewUser.of("bulk" + i, "bulk" + i + "@pitfall.test")).toList();
    }

    @Test
    void insertingOneRowPerMapperCallInASimpleSessionCostsOneRoundTripPerRow() {
        try (PitfallDatabase db = PitfallDatabase.seeded()) {
            SqlSessionFactory factory = SqlSessionFactories.build(db.counted(), dev.fourways.StoreSettings.defaults());
            db.reset();
            List<User> created = new ArrayList<>();
            // The naive code: the store's own mapper and statement, in a default (SIMPLE) session.
            try (SqlSession session = factory.openSession()) {
                UserMapper users = session.getMapper(UserMapper.class);
                long[] ids = new PooledIds().take(USERS, users::nextIdBlocks);
                for (int i = 0; i < USERS; i++) {
                    User user = input().get(i).toUser(ids[i]);
                    users.insert(user);
                    created.add(user);
                }
                session.commit();
            }
            db.record(getClass(), "naive");
            assertThat(created).hasSize(USERS);
            assertThat(db.statements()).as("1 for the ids + 1 insert per user:\n%s", db.sent()).isEqualTo(1 + USERS)
                    .isGreaterThan(CONTRACT_BUDGET);
        }
    }

    @Test
    void theStoresBatchSessionSendsTheIdsAndOneBatch() {
        try (PitfallDatabase db = PitfallDatabase.seeded();
             UserStore store = new MyBatisUserStoreProvider().open(db.counted())) {
            db.reset();
            List<User> created = store.createAll(input());
            db.record(getClass(), "idiom");
            assertThat(created).hasSize(USERS).extracting(User::id).doesNotHaveDuplicates();
            assertThat(db.statements()).as("1 for the ids + 1 batch:\n%s", db.sent()).isEqualTo(2);
        }
    }
}
