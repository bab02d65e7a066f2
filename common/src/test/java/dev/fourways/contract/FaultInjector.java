package dev.fourways.contract;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;

/**
 * Makes the next statement that matches a pattern fail with an {@link SQLException}, as the
 * database would, before it reaches the database. Used to prove that a multi-statement
 * operation rolls back when a later step fails.
 */
public final class FaultInjector implements QueryExecutionListener {

    /** SQLState of the injected failure: 'XX' is no standard class, so no translator mistakes it. */
    public static final String SQL_STATE = "XX000";

    private final AtomicReference<Pattern> armed = new AtomicReference<>();
    private final AtomicReference<Pattern> afterArmed = new AtomicReference<>();
    private volatile Runnable afterAction;

    /** The next statement whose SQL matches {@code pattern} (case-insensitive, anywhere) fails. */
    public void failNext(String pattern) {
        armed.set(Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
    }

    /** @return true if the armed failure has not fired yet */
    public boolean isArmed() {
        return armed.get() != null;
    }

    /**
     * Runs {@code action} (for example ending the pool's sessions on the server) right after the
     * next statement that matches {@code pattern} has executed: the operation's transaction has
     * then written something it has not committed, and its next statement or its commit meets
     * whatever the action did.
     */
    public void afterNext(String pattern, Runnable action) {
        afterAction = action;
        afterArmed.set(Pattern.compile(pattern, Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
    }

    /** @return true if the action armed with {@link #afterNext} has not run yet */
    public boolean isAfterArmed() {
        return afterArmed.get() != null;
    }

    public void disarm() {
        armed.set(null);
        afterArmed.set(null);
    }

    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        Pattern pattern = armed.get();
        if (pattern == null) {
            return;
        }
        for (QueryInfo query : queryInfoList) {
            if (pattern.matcher(query.getQuery()).find() && armed.compareAndSet(pattern, null)) {
                throw sneaky(new SQLException("injected failure for: " + query.getQuery(), SQL_STATE));
            }
        }
    }

    @Override
    public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        Pattern pattern = afterArmed.get();
        if (pattern == null || execInfo.getThrowable() != null) {
            return;
        }
        for (QueryInfo query : queryInfoList) {
            if (pattern.matcher(query.getQuery()).find() && afterArmed.compareAndSet(pattern, null)) {
                afterAction.run();
                return;
            }
        }
    }

    // The JDBC method being proxied declares SQLException, so throwing it unchecked here is what
    // a real driver failure looks like to the library above.
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
