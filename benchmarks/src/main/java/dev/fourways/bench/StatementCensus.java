package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * Counts the round trips (statement executions, a JDBC batch counting once, and the commits or
 * rollbacks that end explicit transactions) of every benchmarked operation for every style, once,
 * outside any timing: each store runs over a datasource-proxy
 * wrapper of the pool, each operation of {@link Operations#ALL} is called once to warm up (a first
 * call may fetch metadata or a block of ids) and counted on its second call, as
 * {@link Operations.Operation#call()} calls it: reads with the benchmarks' arguments, writes on
 * fresh rows.
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
        try (FreshRows arguments = new FreshRows(w, database.dataSource());
             UserStore store = UserStoreProviders.byName(storeName).open(counted)) {
            for (Operations.Operation op : Operations.ALL) {
                op.call().on(store, arguments, 1);
                statements.set(0);
                commits.set(0);
                op.call().on(store, arguments, 1);
                perOperation.put(op.name(), new Count(statements.get(), commits.get()));
            }
        }
        return perOperation;
    }

    /** The census's arguments: the workload's reads, and fresh rows written by the reference on the raw pool (not counted). */
    private static final class FreshRows implements Operations.Arguments, AutoCloseable {
        private final Workload workload;
        private final DataSource raw;
        private final UserStore reference;
        private int fresh;

        FreshRows(Workload workload, DataSource raw) {
            this.workload = workload;
            this.raw = raw;
            this.reference = new JdbcUserStoreProvider().open(raw);
        }

        @Override
        public Workload workload() {
            return workload;
        }

        @Override
        public NewUser newUser() {
            int n = fresh++;
            return NewUser.of("census" + n, "census" + n + "@census.test");
        }

        @Override
        public long freshUserWithPurchases() {
            int n = fresh++;
            long id = reference.create(NewUser.of("censusgone" + n, "censusgone" + n + "@census.test")).id();
            DataSet.insertPurchases(raw, new long[] {id}, new Random(n), DataSet.BASE.plus(1, ChronoUnit.DAYS), 3600);
            return id;
        }

        @Override
        public User current(long id) {
            return reference.findById(id).orElseThrow();
        }

        @Override
        public UserWithPurchases currentWithPurchases(long id) {
            return reference.findWithPurchases(id).orElseThrow();
        }

        @Override
        public void close() {
            reference.close();
        }
    }
}
