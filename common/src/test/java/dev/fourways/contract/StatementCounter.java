package dev.fourways.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;

/**
 * Counts round trips: every statement execution the database sees, a JDBC batch counting once.
 * A datasource-proxy listener, so it sees what any library sends, whatever it is.
 */
public final class StatementCounter implements QueryExecutionListener {

    private final List<String> statements = new ArrayList<>();

    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
    }

    @Override
    public synchronized void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        String sql = queryInfoList.stream().map(QueryInfo::getQuery).distinct().collect(Collectors.joining(" ; "));
        statements.add(execInfo.isBatch() ? "batch of " + execInfo.getBatchSize() + ": " + sql : sql);
    }

    /** Forgets what was counted. */
    public synchronized void reset() {
        statements.clear();
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
