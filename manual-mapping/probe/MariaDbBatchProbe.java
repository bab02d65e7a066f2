import java.sql.*;
import java.time.*;
import java.util.*;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Does a 1,000-row batch reach MariaDB as one bulk command, from plain JDBC and from Jdbi? Six
 * rounds of four variants on one connection, each a batch of 1,000 INSERTs in a transaction; prints
 * the time (µs) and the change of the session status counters (Com_insert, Com_stmt_execute,
 * Bytes_received...). Needs MariaDB on 127.0.0.1:3306 (root, empty password, database test); creates
 * the table fw_probe_batch and drops it at the end. The first round includes class loading and JIT. Run from the repository root after a build:
 * <pre>java -cp benchmarks/target/benchmarks.jar manual-mapping/probe/MariaDbBatchProbe.java</pre>
 */
public class MariaDbBatchProbe {
    static final String URL = "jdbc:mariadb://127.0.0.1:3306/test";
    static final int ROWS = 1000;

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "root", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("drop table if exists fw_probe_batch");
                s.execute("create table fw_probe_batch (id bigint primary key, username varchar(64) not null, email varchar(120) not null, display_name varchar(100) null, created_at datetime(6) not null)");
            }
            long base = 0;
            for (int round = 0; round < 6; round++) {
                for (String how : new String[] {"jdbc", "jdbi", "jdbi-setObject", "jdbi-plain-builder"}) {
                    base += ROWS;
                    Map<String, Long> before = status(c);
                    long t0 = System.nanoTime();
                    c.setAutoCommit(false);
                    if (how.equals("jdbc")) jdbc(c, base); else jdbi(c, base, how.equals("jdbi-setObject"), how.equals("jdbi-plain-builder"));
                    c.commit();
                    c.setAutoCommit(true);
                    long us = (System.nanoTime() - t0) / 1000;
                    Map<String, Long> after = status(c);
                    StringBuilder d = new StringBuilder();
                    for (String k : after.keySet()) { long v = after.get(k) - before.getOrDefault(k, 0L); if (v != 0) d.append(k).append('=').append(v).append(' '); }
                    System.out.printf("%-19s %7d us  %s%n", how, us, d);
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("drop table fw_probe_batch");
            }
        }
    }

    static OffsetDateTime at(long i) { return Instant.parse("2024-01-01T00:00:00Z").plusSeconds(i).atOffset(ZoneOffset.UTC); }
    static String name(long i) { return (i % 3 == 0) ? null : "Name " + i; }

    static void jdbc(Connection c, long base) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into fw_probe_batch (id, username, email, display_name, created_at) values (?, ?, ?, ?, ?)")) {
            for (long i = base; i < base + ROWS; i++) {
                // Generated row values, each bound as a parameter; the SQL text is a constant.
                ps.setLong(1, i); ps.setString(2, "user" + i); ps.setString(3, "u" + i + "@x.test"); ps.setString(4, name(i)); ps.setObject(5, at(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void jdbi(Connection c, long base, boolean setObject, boolean plain) {
        Handle h = Jdbi.open(c);
        if (plain) h.setStatementBuilder(new org.jdbi.v3.core.statement.DefaultStatementBuilder() { @Override public PreparedStatement create(Connection conn, String sql, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException { return conn.prepareStatement(sql); } });
        PreparedBatch b = h.prepareBatch("insert into fw_probe_batch (id, username, email, display_name, created_at) values (:id, :username, :email, :displayName, :createdAt)");
        for (long i = base; i < base + ROWS; i++) {
            // Generated row values, each bound as a named parameter; the SQL text is a constant.
            b.bind("id", i).bind("username", "user" + i).bind("email", "u" + i + "@x.test");
            if (setObject) {
                final long j = i;
                b.bindByType("displayName", name(i), String.class);
                b.bind("createdAt", (org.jdbi.v3.core.argument.Argument) (pos, st, ctx) -> st.setObject(pos, at(j)));
            } else {
                b.bind("displayName", name(i)).bind("createdAt", at(i));
            }
            b.add();
        }
        b.execute();
    }

    static Map<String, Long> status(Connection c) throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show session status where Variable_name in ('Questions','Com_stmt_execute','Com_stmt_prepare','Com_insert','Com_stmt_close','Bytes_received')")) {
            while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
        }
        return m;
    }
}
