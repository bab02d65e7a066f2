package dev.fourways.contract;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;

/**
 * Counts round trips: every statement execution the database sees, a JDBC batch counting once.
 * A datasource-proxy listener, so it sees what any library sends, whatever it is.
 */
public final class StatementCounter implements QueryExecutionListener {

    private final List<String> statements = new ArrayList<>();
    private Sent last;

    /**
     * One statement as the library sent it: its SQL and the JDBC setter calls that bound its
     * parameters (method and arguments, as datasource-proxy recorded them), so it can be replayed
     * exactly, for example under the database's {@code explain}.
     */
    public record Sent(String sql, List<ParameterSetOperation> parameters) {

        /** Calls the recorded setters on {@code ps}, which must hold the same parameters in the same order. */
        public void bind(PreparedStatement ps) throws SQLException {
            for (ParameterSetOperation op : parameters) {
                try {
                    op.getMethod().invoke(ps, op.getArgs());
                } catch (ReflectiveOperationException e) {
                    throw new SQLException("cannot replay " + op.getMethod().getName() + " on " + sql, e);
                }
            }
        }
    }

    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
    }

    @Override
    public synchronized void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        String sql = queryInfoList.stream().map(QueryInfo::getQuery).distinct().collect(Collectors.joining(" ; "));
        statements.add(execInfo.isBatch() ? "batch of " + execInfo.getBatchSize() + ": " + sql : sql);
        if (!execInfo.isBatch() && queryInfoList.size() == 1) {
            QueryInfo info = queryInfoList.get(0);
            last = new Sent(info.getQuery(), info.getParametersList().isEmpty() ? List.of()
                    : List.copyOf(info.getParametersList().get(0)));
        }
    }

    /** @return the last single (not batched) statement sent since the last {@link #reset()}, if any */
    public synchronized java.util.Optional<Sent> last() {
        return java.util.Optional.ofNullable(last);
    }

    /** Forgets what was counted. */
    public synchronized void reset() {
        statements.clear();
        last = null;
    }

    /** @return the round trips since the last {@link #reset()} */
    public synchronized int count() {
        return statements.size();
    }

    /**
     * @param pattern a regular expression, searched case-insensitively in each statement's SQL
     * @return the round trips since the last {@link #reset()} whose SQL contains a match
     */
    public synchronized int countMatching(String pattern) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern, java.util.regex.Pattern.CASE_INSENSITIVE);
        return (int) statements.stream().filter(sql -> p.matcher(sql).find()).count();
    }

    /** @return the statements since the last reset, one per line, for a failure message */
    public synchronized String describe() {
        return statements.stream().map(s -> "  " + s).collect(Collectors.joining("\n"));
    }
}
