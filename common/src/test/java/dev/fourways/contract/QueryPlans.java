package dev.fourways.contract;

import dev.fourways.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Asks the database how many rows a statement read, from its own {@code explain analyze}: a plan
 * property (which index, which range) checked on what the database did, not on how long it took.
 * The statement is replayed as a store sent it ({@link StatementCounter.Sent}) on the raw pool, so
 * it runs a second time: use it on statements whose second run changes nothing more.
 *
 * <ul>
 *   <li>H2: {@code EXPLAIN ANALYZE}, the sum of the {@code scanCount} of every table it read.
 *       http://www.h2database.com/html/commands.html#explain</li>
 *   <li>PostgreSQL: {@code EXPLAIN ANALYZE}, for every scan node its actual rows × loops plus the
 *       rows it removed by filter. https://www.postgresql.org/docs/current/using-explain.html</li>
 *   <li>MariaDB: {@code ANALYZE FORMAT=JSON}, the sum of every table's {@code r_rows} (rows read;
 *       one loop each in a single-table statement). https://mariadb.com/kb/en/analyze-format-json/</li>
 * </ul>
 */
final class QueryPlans {

    private static final Pattern H2_SCANS = Pattern.compile("scanCount: (\\d+)");
    private static final Pattern PG_SCAN = Pattern.compile("Scan.*actual time=\\S+ rows=([\\d.]+) loops=(\\d+)");
    private static final Pattern PG_REMOVED = Pattern.compile("Rows Removed by (?:Filter|Index Recheck): (\\d+)");
    private static final Pattern MARIADB_ROWS = Pattern.compile("\"r_rows\":\\s*([\\d.]+)");

    private QueryPlans() {
    }

    /** Rows read by {@code sent} on {@code database}, replayed now under the database's {@code explain analyze}. */
    static long rowsRead(DataSource dataSource, Database database, StatementCounter.Sent sent) {
        // A fixed keyword before the store's own SQL text; every value stays a bound parameter (sent.bind).
        String prefix = database == Database.MARIADB ? "analyze format=json " : "explain analyze ";
        StringBuilder plan = new StringBuilder();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(prefix + sent.sql())) {
            sent.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot explain " + sent.sql(), e);
        }
        return switch (database) {
            case H2 -> sum(H2_SCANS.matcher(plan), m -> Double.parseDouble(m.group(1)));
            case POSTGRESQL -> sum(PG_SCAN.matcher(plan), m -> Double.parseDouble(m.group(1)) * Long.parseLong(m.group(2)))
                    + sum(PG_REMOVED.matcher(plan), m -> Double.parseDouble(m.group(1)));
            case MARIADB -> sum(MARIADB_ROWS.matcher(plan), m -> Double.parseDouble(m.group(1)));
        };
    }

    private static long sum(Matcher m, java.util.function.ToDoubleFunction<Matcher> rows) {
        double total = 0;
        while (m.find()) {
            total += rows.applyAsDouble(m);
        }
        return Math.round(total);
    }
}
