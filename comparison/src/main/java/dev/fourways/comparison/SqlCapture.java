package dev.fourways.comparison;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProviders;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * Runs every operation of every style once on a fresh, seeded database and records the SQL it
 * sent, through datasource-proxy: the statement text, the bound parameters, the batch size, and
 * each {@code Connection.commit()} or {@code rollback()}. As the benchmarks' statement census
 * does, each operation is called twice and the second call is kept: the first may reserve a
 * block of ids or read metadata.
 *
 * <p>Each style gets its own database, so sequences start from the same value and the capture is
 * the same on every run: the staleness test relies on that.
 */
public final class SqlCapture {

    /** Rows of a batch whose parameters are kept: enough to see the shape. */
    static final int SHOWN_BATCH_ROWS = 3;

    private SqlCapture() {
    }

    /**
     * @param server     the database server ({@code DatabaseSettings.fromSystemProperties()})
     * @param operations the operations, in contract order
     * @return what each style sent for each operation
     * @throws IllegalStateException when an operation has no sample call ({@link SampleCalls#requireAll})
     */
    public static Captured capture(DatabaseSettings server, List<Operation> operations) {
        SampleCalls.requireAll(operations);
        Map<String, Map<String, Captured.Call>> perOperation = new LinkedHashMap<>();
        operations.forEach(o -> perOperation.put(o.name(), new LinkedHashMap<>()));
        String product = "";
        for (Style style : Style.ALL) {
            try (IsolatedDatabase database = IsolatedDatabase.create(server, "comparison")) {
                product = product(database.dataSource());
                Map<String, Captured.Call> calls = captureStyle(style, database.dataSource(), operations);
                calls.forEach((op, call) -> perOperation.get(op).put(style.name(), call));
            }
        }
        return new Captured(server.database().id(), product, perOperation);
    }

    private static Map<String, Captured.Call> captureStyle(Style style, DataSource raw, List<Operation> operations) {
        Recorder recorder = new Recorder();
        DataSource proxied = ProxyDataSourceBuilder.create(raw).listener(recorder).afterMethod(recorder::afterMethod).build();
        Map<String, Captured.Call> calls = new LinkedHashMap<>();
        try (SampleCalls.Seed seed = SampleCalls.Seed.on(raw);
             UserStore store = UserStoreProviders.byName(style.name()).open(proxied)) {
            for (Operation op : operations) {
                SampleCalls.Call call = SampleCalls.of(op.name());
                call.on(store, seed, 0);
                recorder.reset();
                call.on(store, seed, 1);
                calls.put(op.name(), recorder.call());
            }
        }
        return calls;
    }

    private static String product(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database's product name", e);
        }
    }

    /** Records round trips in order; one store call at a time, so no two threads write at once. */
    private static final class Recorder implements QueryExecutionListener {
        private final List<Captured.Event> events = new ArrayList<>();

        @Override
        public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        }

        @Override
        public synchronized void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
            String sql = String.join(" ; ", queryInfoList.stream().map(QueryInfo::getQuery).distinct().toList());
            List<List<String>> parameters = new ArrayList<>();
            for (QueryInfo query : queryInfoList) {
                for (List<ParameterSetOperation> row : query.getParametersList()) {
                    if (parameters.size() < SHOWN_BATCH_ROWS) {
                        parameters.add(values(row));
                    }
                }
            }
            events.add(new Captured.Event(execInfo.isBatch() ? "batch" : "statement", sql.strip(),
                    execInfo.isBatch() ? execInfo.getBatchSize() : 0, parameters));
        }

        /** commit() and rollback() without a savepoint end a transaction: one round trip each. */
        synchronized void afterMethod(MethodExecutionContext context) {
            String method = context.getMethod().getName();
            if (context.getTarget() instanceof Connection && context.getMethod().getParameterCount() == 0
                    && (method.equals("commit") || method.equals("rollback"))) {
                events.add(new Captured.Event(method, null, 0, List.of()));
            }
        }

        synchronized void reset() {
            events.clear();
        }

        synchronized Captured.Call call() {
            int statements = (int) events.stream().filter(e -> e.sql() != null).count();
            return new Captured.Call(statements, events.size() - statements, List.copyOf(events));
        }

        private static List<String> values(List<ParameterSetOperation> row) {
            return row.stream()
                    .filter(p -> p.getArgs().length >= 2)
                    .sorted(Comparator.comparing(p -> String.valueOf(p.getArgs()[0]), Comparator
                            .comparing((String s) -> s.length()).thenComparing(Comparator.naturalOrder())))
                    .map(p -> render(p.getMethod().getName(), p.getArgs()[1]))
                    .toList();
        }

        private static String render(String setter, Object value) {
            if (setter.equals("setNull") || value == null) {
                return "null";
            }
            return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
        }
    }
}
