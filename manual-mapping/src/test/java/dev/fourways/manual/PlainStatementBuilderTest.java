package dev.fourways.manual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.contract.PitfallDatabase;
import dev.fourways.domain.NewUser;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Jdbi store prepares its statements as plain JDBC does, {@code prepareStatement(sql)}, so that
 * MariaDB Connector/J sends a batch as one bulk command ({@link PlainStatementBuilder}). Jdbi's
 * default builder calls {@code prepareStatement(sql, TYPE_FORWARD_ONLY, CONCUR_READ_ONLY)}, which
 * that driver treats as asking for generated keys: 1,000 INSERTs for a 1,000-row batch.
 */
class PlainStatementBuilderTest {

    /** Which {@code Connection.prepareStatement} overload each statement came from, by its parameter types. */
    private static final class PrepareCalls implements MethodExecutionListener {
        final List<String> overloads = new CopyOnWriteArrayList<>();

        @Override
        public void beforeMethod(MethodExecutionContext context) {
            if (context.getTarget() instanceof java.sql.Connection && context.getMethod().getName().equals("prepareStatement")) {
                overloads.add(java.util.Arrays.stream(context.getMethod().getParameterTypes())
                        .map(Class::getSimpleName).toList().toString());
            }
        }

        @Override
        public void afterMethod(MethodExecutionContext context) {
        }
    }

    @ParameterizedTest(name = "createAll of {0} users, then reads")
    @ValueSource(ints = {2, 7, 50})
    void everyStatementIsPreparedWithTheOneArgumentOverload(int users) {
        try (PitfallDatabase db = PitfallDatabase.seeded()) {
            PrepareCalls calls = new PrepareCalls();
            DataSource recorded = ProxyDataSourceBuilder.create(db.raw()).methodListener(calls).build();
            try (UserStore store = new JdbiUserStoreProvider().open(recorded)) {
                // Generated usernames and e-mails: values the store binds as parameters, not SQL.
                List<NewUser> batch = IntStream.range(0, users)
                        .mapToObj(i -> NewUser.of("batch" + i, "batch" + i + "@example.com")).toList();
                long first = store.createAll(batch).get(0).id();
                assertThat(store.findById(first)).isPresent();
                assertThat(store.page(0, 5).totalItems()).isEqualTo(users);
            }
            assertThat(calls.overloads)
                    .as("the ids, the batch, the reads: each statement prepared")
                    .hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(overload -> assertThat(overload)
                            .as("prepareStatement(sql) only: the (sql, type, concurrency) overload makes "
                                    + "MariaDB Connector/J send a batch row by row")
                            .isEqualTo("[String]"));
        }
    }
}
