package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * Verifies {@link RequestBenchmark}'s requests before their figures are reported, as TechEmpower
 * verifies a framework's (https://github.com/TechEmpower/FrameworkBenchmarks/wiki/Project-Information-Framework-Tests-Overview):
 * each style runs each request over a datasource-proxy wrapper of the pool, once to warm up and
 * once counted, and then plain JDBC checks what the database holds.
 * <ul>
 *   <li>multiple queries: exactly {@value RequestBenchmark#QUERIES} statements (one read per user:
 *       no {@code IN} batching, no cache answering) and exactly one commit;</li>
 *   <li>updates: exactly one commit, and afterwards every one of the 20 users holds its new e-mail
 *       and a version one higher;</li>
 *   <li>checkout: exactly one commit, two more purchases, the new e-mail and version.</li>
 * </ul>
 * A request that fails a check fails the run ({@link IllegalStateException}): a figure for it
 * would not measure what its label says. The counts go into the report.
 */
public final class RequestCensus {

    /** Small: the counts do not depend on the number of rows. */
    static final int USERS = 1000;

    private RequestCensus() {
    }

    /**
     * One request's round trips.
     *
     * @param statements statement executions the database saw, a JDBC batch counting once
     * @param commits    calls of {@code Connection.commit()}
     */
    public record Count(int statements, int commits) {
    }

    /**
     * @return per store, per request ({@code multipleQueries}, {@code updates}, {@code checkout}), its round trips
     * @throws IllegalStateException when a store's request does not do what the benchmark says it does
     */
    public static Map<String, Map<String, Count>> count(DatabaseSettings server, List<String> stores) {
        Map<String, Map<String, Count>> counts = new LinkedHashMap<>();
        for (String store : stores) {
            try (IsolatedDatabase database = IsolatedDatabase.create(server, "requests")) {
                counts.put(store, countOne(store, database.dataSource()));
            }
        }
        return counts;
    }

    private static Map<String, Count> countOne(String storeName, DataSource raw) {
        DataSet data = DataSet.seed(raw, USERS);
        AtomicInteger statements = new AtomicInteger();
        AtomicInteger commits = new AtomicInteger();
        DataSource counted = ProxyDataSourceBuilder.create(raw).listener(new QueryExecutionListener() {
            @Override
            public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            }

            @Override
            public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
                statements.incrementAndGet();
            }
        }).afterMethod(context -> {
            if (context.getTarget() instanceof Connection && context.getMethod().getName().equals("commit")) {
                commits.incrementAndGet();
            }
        }).build();
        SplittableRandom random = new SplittableRandom(7);
        Map<String, Count> perRequest = new LinkedHashMap<>();
        try (UserStore store = UserStoreProviders.byName(storeName).open(counted)) {
            // Round 0 warms up (a first call may fetch metadata or a block of ids); round 1 is the one kept.
            for (int r = 0; r < 2; r++) {
                int round = r;
                statements.set(0);
                commits.set(0);
                int[] read = random.ints(0, USERS).distinct().limit(RequestBenchmark.QUERIES).toArray();
                List<User> got = store.inUnitOfWork(s -> RequestBenchmark.multipleQueries(s, data, read));
                check(got.size() == read.length && statements.get() == RequestBenchmark.QUERIES && commits.get() == 1,
                        storeName, "multipleQueries", "20 users read by 20 statements and one commit", statements, commits);
                perRequest.put("multipleQueries", new Count(statements.get(), commits.get()));

                statements.set(0);
                commits.set(0);
                int[] changed = IntStream.range(0, RequestBenchmark.QUERIES).map(i -> i + round * RequestBenchmark.QUERIES).toArray();
                String[] emails = IntStream.range(0, changed.length).mapToObj(i -> "census" + round + "." + i + "@request.test")
                        .toArray(String[]::new);
                List<Long> versionsBefore = versions(raw, data, changed);
                store.inUnitOfWork(s -> RequestBenchmark.updates(s, data, changed, emails));
                boolean stored = IntStream.range(0, changed.length).allMatch(i ->
                        emails[i].equals(email(raw, data.id(changed[i]))) && versions(raw, data, changed[i]) == versionsBefore.get(i) + 1);
                check(stored && commits.get() == 1, storeName, "updates",
                        "one commit, and each of the 20 users holding its new e-mail and its version plus one", statements, commits);
                perRequest.put("updates", new Count(statements.get(), commits.get()));

                statements.set(0);
                commits.set(0);
                int buyer = 100 + round;
                long purchasesBefore = purchases(raw, data.id(buyer));
                String email = "checkout" + round + "@request.test";
                store.inUnitOfWork(s -> RequestBenchmark.checkout(s, data, buyer, email));
                check(commits.get() == 1 && purchases(raw, data.id(buyer)) == purchasesBefore + 2
                                && email.equals(email(raw, data.id(buyer))), storeName, "checkout",
                        "one commit, two more purchases and the new e-mail", statements, commits);
                perRequest.put("checkout", new Count(statements.get(), commits.get()));
            }
        }
        return perRequest;
    }

    private static void check(boolean ok, String store, String request, String expected, AtomicInteger statements,
                              AtomicInteger commits) {
        if (!ok) {
            throw new IllegalStateException("%s's %s request must do what the benchmark times (%s); it sent %d statement(s) "
                    .formatted(store, request, expected, statements.get()) + "and " + commits.get() + " commit(s)");
        }
    }

    private static List<Long> versions(DataSource raw, DataSet data, int[] users) {
        return IntStream.of(users).mapToObj(u -> versions(raw, data, u)).toList();
    }

    private static long versions(DataSource raw, DataSet data, int user) {
        return ((Number) single(raw, "select version from users where id = ?", data.id(user))).longValue();
    }

    private static String email(DataSource raw, long id) {
        return (String) single(raw, "select email from users where id = ?", id);
    }

    private static long purchases(DataSource raw, long userId) {
        return ((Number) single(raw, "select count(*) from purchases where user_id = ?", userId)).longValue();
    }

    private static Object single(DataSource raw, String sql, long id) {
        try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
