package dev.fourways.contract;

import java.util.concurrent.atomic.AtomicInteger;
import net.ttddyy.dsproxy.listener.MethodExecutionContext;
import net.ttddyy.dsproxy.listener.MethodExecutionListener;

/**
 * Counts the transactions a library ends: its calls of {@code Connection.commit()} and
 * {@code Connection.rollback()} through the caller's {@code DataSource}. A datasource-proxy method
 * listener, so it sees what any library does, whatever it is. An autocommit statement ends its
 * own transaction inside the database and is counted by neither.
 */
public final class TransactionCounter implements MethodExecutionListener {

    private final AtomicInteger commits = new AtomicInteger();
    private final AtomicInteger rollbacks = new AtomicInteger();

    @Override
    public void beforeMethod(MethodExecutionContext context) {
    }

    @Override
    public void afterMethod(MethodExecutionContext context) {
        if (!(context.getTarget() instanceof java.sql.Connection) || context.getThrown() != null) {
            return;
        }
        switch (context.getMethod().getName()) {
            // rollback(Savepoint) ends no transaction; only the no-argument rollback does.
            case "commit" -> commits.incrementAndGet();
            case "rollback" -> {
                if (context.getMethod().getParameterCount() == 0) {
                    rollbacks.incrementAndGet();
                }
            }
            default -> { }
        }
    }

    /** Forgets what was counted. */
    public void reset() {
        commits.set(0);
        rollbacks.set(0);
    }

    /** @return commits since the last {@link #reset()} */
    public int commits() {
        return commits.get();
    }

    /** @return rollbacks (of the whole transaction) since the last {@link #reset()} */
    public int rollbacks() {
        return rollbacks.get();
    }
}
