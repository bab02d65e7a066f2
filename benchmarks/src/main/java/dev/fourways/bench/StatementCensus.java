package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * Counts the round trips (statement executions, a JDBC batch counting once, and the commits or
 * rollbacks that end explicit transactions) of every benchmarked operation for every style, once,
 * outside any timing: each store runs over a datasource-proxy
 * wrapper of the pool, each operation is called once to warm up (a first call may fetch metadata
 * or a block of ids) and counted on its second call, with the same arguments the benchmarks use.
 */
public final class StatementCensus {

    /** Small: the counts do not depend on the number of rows. */
    static final int USERS = 1000;

    private StatementCensus() {
    }

    /**
     * What one call of an operation cost in round trips.
     *
     * @param statements statement executions, a JDBC batch counting once
     * @param commits    calls of {@code Connection.commit()} or {@code rollback()}: each ends an
     *                   explicit transaction, one more round trip on a server (none in autocommit)
     */
    public record Count(int statements, int commits) {
    }

    /**
     * @return per store, per benchmark name, the round trips of one call
     */
    public static Map<String, Map<String, Count>> count(DatabaseSettings server, List<String> stores) {
        Map<String, Map<String, Count>> counts = new LinkedHashMap<>();
        for (String store : stores) {
            try (IsolatedDatabase database = IsolatedDatabase.create(server, "census")) {
                counts.put(store, countOne(store, database));
            }
        }
        return counts;
    }

    private static Map<String, Count> countOne(String storeName, IsolatedDatabase database) {
        DataSet data = DataSet.seed(database.dataSource(), USERS);
        Workload w = new Workload(data);
        AtomicInteger statements = new AtomicInteger();
        AtomicInteger commits = new AtomicInteger();
        DataSource counted = ProxyDataSourceBuilder.create(database.dataSource()).listener(new QueryExecutionListener() {
            @Override
            public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            }

            @Override
            public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
                statements.incrementAndGet();
            }
        }).afterMethod(context -> {
            // commit() and rollback() (not rollback(Savepoint)) on a connection end a transaction.
            String method = context.getMethod().getName();
            if (context.getTarget() instanceof java.sql.Connection && context.getMethod().getParameterCount() == 0
                    && (method.equals("commit") || method.equals("rollback"))) {
                commits.incrementAndGet();
            }
        }).build();
        Map<String, Count> perOperation = new LinkedHashMap<>();
        UserStore targets = new JdbcUserStoreProvider().open(database.dataSource());
        int[] fresh = {0};
        try (UserStore store = UserStoreProviders.byName(storeName).open(counted)) {
            for (Map.Entry<String, Function<UserStore, Object>> op
                    : operations(w, targets, database.dataSource(), fresh).entrySet()) {
                op.getValue().apply(store);
                statements.set(0);
                commits.set(0);
                op.getValue().apply(store);
                perOperation.put(op.getKey(), new Count(statements.get(), commits.get()));
            }
        }
        return perOperation;
    }

    /** Every benchmark, by its method name, as a call on a store; writes act on fresh rows. */
    private static Map<String, Function<UserStore, Object>> operations(Workload w, UserStore targets, DataSource raw,
                                                                       int[] fresh) {
        Map<String, Function<UserStore, Object>> ops = new LinkedHashMap<>();
        ops.put("findById", s -> w.findById(s, 1));
        ops.put("findByUsername", s -> w.findByUsername(s, 1));
        ops.put("count", w::count);
        ops.put("pageShallow", s -> w.pageShallow(s, 1));
        ops.put("pageDeep", s -> w.pageDeep(s, 1));
        ops.put("listAfterDeep", s -> w.listAfterDeep(s, 1));
        ops.put("search", s -> w.search(s, 1));
        ops.put("streamAll", s -> w.streamAll(s, u -> { }));
        ops.put("findWithPurchases", s -> w.findWithPurchases(s, 1));
        ops.put("pageWithPurchases", s -> w.pageWithPurchases(s, 1));
        ops.put("topSpenders", s -> w.topSpenders(s, 1));
        ops.put("create", s -> s.create(NewUser.of("census" + fresh[0], "census" + fresh[0]++ + "@census.test")));
        ops.put("createAll", s -> {
            List<NewUser> batch = new ArrayList<>();
            int n = fresh[0]++;
            for (int i = 0; i < BulkInsertBenchmark.BATCH; i++) {
                batch.add(NewUser.of("censusbulk" + n + "_" + i, "censusbulk" + n + "_" + i + "@census.test"));
            }
            return s.createAll(batch);
        });
        ops.put("changeEmail", s -> {
            User before = targets.findById(w.data().id(0)).orElseThrow();
            return s.changeEmail(before.id(), before.version(), "changed" + fresh[0]++ + "@census.test");
        });
        ops.put("delete", s -> s.delete(freshUser(targets, raw, fresh)));
        ops.put("mergeUsers", s -> s.mergeUsers(freshUser(targets, raw, fresh), freshUser(targets, raw, fresh)));
        ops.put("cancelPurchasesPlacedBefore", s -> s.cancelPurchasesPlacedBefore(DataSet.BASE.plus(30, ChronoUnit.DAYS)));
        return ops;
    }

    /** A new user with 10 purchases, written by the reference on the raw pool (not counted). */
    private static long freshUser(UserStore targets, DataSource raw, int[] fresh) {
        int n = fresh[0]++;
        long id = targets.create(NewUser.of("censusgone" + n, "censusgone" + n + "@census.test")).id();
        DataSet.insertPurchases(raw, new long[] {id}, new Random(n), DataSet.BASE.plus(1, ChronoUnit.DAYS), 3600);
        return id;
    }
}
