package dev.fourways.manual;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Jdbi's statement builder, preparing each statement with {@link Connection#prepareStatement(String)},
 * as plain JDBC does, instead of Jdbi's default {@code prepareStatement(sql, TYPE_FORWARD_ONLY,
 * CONCUR_READ_ONLY)}. By JDBC's definition the two ask for the same result set; they differ in one
 * driver. MariaDB Connector/J 3.5's {@code prepareStatement(String, int, int)} prepares the
 * statement as if generated keys had been asked for ({@code Statement.RETURN_GENERATED_KEYS}), and
 * with generated keys requested it does not send a batch as one {@code COM_STMT_BULK_EXECUTE}
 * (unless the server has bulk unit results, MariaDB 11.5 and later). It sends each row of the
 * batch as its own INSERT instead.
 *
 * <p>Measured on MariaDB 10.11, 1,000-row batches on one connection in a transaction (session
 * status before and after, {@code manual-mapping/probe/MariaDbBatchProbe.java}; the module README's
 * "Measured choices" has the table):
 * <ul>
 *   <li>with Jdbi's default builder: {@code Com_insert} 1,000, 159 KB received, 25-34 ms;</li>
 *   <li>with this one: {@code Com_insert} 1, 53 KB, 12-21 ms (plain JDBC: 1, 53 KB, 8-15 ms).</li>
 * </ul>
 * Statements that ask for generated keys, or for an updatable result set, keep Jdbi's own
 * handling.
 *
 * @see <a href="https://jdbi.org/apidocs/org/jdbi/v3/core/Jdbi.html#setStatementBuilderFactory(org.jdbi.v3.core.statement.StatementBuilderFactory)">Jdbi.setStatementBuilderFactory: "customization of how prepared statements are created"</a>
 * @see <a href="https://mariadb.com/kb/en/mcj-320-rn/">MariaDB Connector/J 3.2.0 release notes: bulk for inserts ({@code useBulkStmtsForInserts}, on by default)</a>
 */
final class PlainStatementBuilder extends DefaultStatementBuilder {

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        if (ctx.isReturningGeneratedKeys() || ctx.isConcurrentUpdatable()) {
            return super.create(conn, sql, ctx);
        }
        return conn.prepareStatement(sql);
    }
}
