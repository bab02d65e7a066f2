package dev.fourways.sqllayer;

import dev.fourways.error.SqlErrorTranslator;
import java.util.Locale;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;

/**
 * Turns a failed statement's exception into the contract's, once, for every statement the
 * store's {@code DSLContext} runs: jOOQ calls {@link #exception(ExecuteContext)} when a
 * statement, a batch or a cursor's fetch fails, and then throws whatever the listener left in
 * {@code ctx.exception()}. This is the listener jOOQ's own Spring Boot example registers to turn
 * {@code SQLException}s into Spring's exceptions
 * (https://github.com/jOOQ/jOOQ/tree/main/jOOQ-examples/jOOQ-spring-boot-example), here handing
 * them to the shared {@link SqlErrorTranslator}, so every style raises the same exception for the
 * same failure. https://www.jooq.org/doc/3.19/manual/sql-execution/execute-listeners/
 *
 * <p>The store's methods therefore need no try/catch: jOOQ throws a {@code StoreException}, which
 * passes out of a {@code transactionResult} (after its rollback) unchanged.
 */
final class ExceptionTranslator implements ExecuteListener {

    @Override
    public void exception(ExecuteContext ctx) {
        // Only failures the database reported, as in jOOQ's example; anything else (a mapping
        // error, say) keeps jOOQ's exception, and the caller translates that.
        if (ctx.sqlException() != null) {
            ctx.exception(SqlErrorTranslator.translate(label(ctx), ctx.exception(), ctx.sqlException()));
        }
    }

    /**
     * The listener does not know which store method ran, only what kind of statement failed, so
     * the message reads "jOOQ write failed: ..." or "jOOQ batch failed: ...". The contract checks
     * the exception's type, never this text.
     */
    private static String label(ExecuteContext ctx) {
        return "jOOQ " + ctx.type().name().toLowerCase(Locale.ROOT);
    }
}
