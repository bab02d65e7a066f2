package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.db.IsolatedDatabase;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No timed read may be answered by a cache that a real application would not hit: every workload
 * read asks a different question on consecutive calls, and the H2 benchmark databases keep no
 * result to reuse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadTest {

    /** As many calls as a short benchmark iteration makes; several times every cycle's length. */
    private static final int CALLS = 5_000;

    private IsolatedDatabase database;
    private DataSet data;

    @BeforeAll
    void seed() {
        database = IsolatedDatabase.create(StoreBenchmark.settings("h2"), "workload");
        data = DataSet.seed(database.dataSource(), 10_000);
    }

    @AfterAll
    void drop() {
        database.close();
    }

    /** Every read of the workload that takes a call number: {@code (UserStore, int)}. */
    static Stream<Method> reads() {
        return Arrays.stream(Workload.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()))
                .filter(m -> Arrays.equals(m.getParameterTypes(), new Class<?>[] {UserStore.class, int.class}));
    }

    @Test
    void everyStoreOperationWithArgumentsIsReadThroughTheCallNumber() {
        // count() and streamAll() take no argument; every other read must vary with the call.
        assertThat(reads().map(Method::getName)).containsExactlyInAnyOrder("findById", "findByUsername", "pageShallow",
                "pageDeep", "listAfterDeep", "search", "findWithPurchases", "findPurchase", "pageWithPurchases", "topSpenders");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reads")
    void neverAsksTheSameQuestionTwiceInARow(Method read) throws Exception {
        Workload workload = new Workload(data);
        List<List<Object>> asked = new ArrayList<>();
        UserStore recorder = recorder(asked);

        for (int k = 0; k < CALLS; k++) {
            read.invoke(workload, recorder, k);
        }

        assertThat(asked).hasSize(CALLS);
        for (int k = 1; k < CALLS; k++) {
            assertThat(asked.get(k)).as("%s: call %d asks %s, the same as the call before it; a database that "
                    + "keeps its last result (H2) would answer from memory", read.getName(), k, asked.get(k))
                    .isNotEqualTo(asked.get(k - 1));
        }
        assertThat(asked.stream().distinct().count()).as("%s must draw from many different questions", read.getName())
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void deepPagesAreDeepAndKeysetReadsTheSameUsers() {
        Workload workload = new Workload(data);
        List<List<Object>> asked = new ArrayList<>();
        UserStore recorder = recorder(asked);

        for (int k = 0; k < 200; k++) {
            workload.pageDeep(recorder, k);
            workload.listAfterDeep(recorder, k);
        }

        for (int k = 0; k < 200; k++) {
            int page = (int) asked.get(2 * k).get(1);
            String after = (String) asked.get(2 * k + 1).get(1);
            assertThat(page * Workload.PAGE_SIZE).as("a deep page lies about 90 %% of the way through, was page %d", page)
                    .isBetween(8_000, 9_700);
            assertThat(after).as("listAfterDeep starts where pageDeep does").isEqualTo(data.username(page * Workload.PAGE_SIZE - 1));
        }
    }

    @Test
    void theH2BenchmarkDatabasesKeepNoResultToReuse() throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
            assertThat(session.getDatabase().getOptimizeReuseResults())
                    .as("H2 must not reuse results in the benchmark databases (OPTIMIZE_REUSE_RESULTS=0 in %s)",
                            StoreBenchmark.H2_URL)
                    .isFalse();
        }
    }

    /** A store that answers nothing and records each call as its name followed by its arguments. */
    private static UserStore recorder(List<List<Object>> asked) {
        return (UserStore) Proxy.newProxyInstance(UserStore.class.getClassLoader(), new Class<?>[] {UserStore.class},
                (proxy, method, args) -> {
                    List<Object> call = new ArrayList<>();
                    call.add(method.getName());
                    if (args != null) {
                        call.addAll(Arrays.asList(args));
                    }
                    asked.add(call);
                    return null;
                });
    }
}
