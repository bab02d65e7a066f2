package dev.fourways.contract;

import dev.fourways.db.Database;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Plain JDBC on the raw pool (not through the statement counter), independent of every store:
 * seeds rows and reads what a store wrote, so a store is never checked with its own code.
 */
public final class Rows {

    private final DataSource dataSource;
    private final Database database;

    public Rows(DataSource dataSource, Database database) {
        this.dataSource = dataSource;
        this.database = database;
    }

    /** Deletes every row (purchases by cascade). */
    public void clear() {
        execute("delete from users");
    }

    /** Inserts a user with one value of {@code users_seq}, as a writer that takes single values would. */
    public long insertUser(NewUser u) {
        long id = nextValue("users_seq");
        execute("insert into users (id, username, email, display_name, created_at, version) values (?, ?, ?, ?, ?, 0)",
                id, u.username(), u.email(), u.displayName(), utc(u.createdAt()));
        return id;
    }

    /** Inserts a user taking the id from the column's default, as a plain SQL client would. */
    public long insertUserWithDefaultId(NewUser u) {
        execute("insert into users (username, email, display_name, created_at) values (?, ?, ?, ?)",
                u.username(), u.email(), u.displayName(), utc(u.createdAt()));
        return user(u.username()).orElseThrow().id();
    }

    public void deleteUser(long id) {
        execute("delete from users where id = ?", id);
    }

    public long insertPurchase(long userId, NewPurchase p) {
        long id = nextValue("purchases_seq");
        execute("insert into purchases (id, user_id, amount, status, placed_at) values (?, ?, ?, ?, ?)",
                id, userId, p.amount(), p.status().name(), utc(p.placedAt()));
        return id;
    }

    /** Inserts {@code purchases} of one user as one JDBC batch in one transaction, ids from the column's default. */
    public void insertPurchases(long userId, List<NewPurchase> purchases) {
        String sql = "insert into purchases (user_id, amount, status, placed_at) values (?, ?, ?, ?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (NewPurchase p : purchases) {
                bind(ps, userId, p.amount(), p.status().name(), utc(p.placedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Refreshes the planner's statistics of both tables, as autovacuum or a DBA would after a bulk load. */
    public void analyze() {
        String sql = switch (database) {
            case H2 -> "analyze";
            case POSTGRESQL -> "analyze users, purchases";
            case MARIADB -> "analyze table users, purchases"; // returns a result set: execute, not executeUpdate
        };
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public Optional<User> user(long id) {
        return users("select * from users where id = ?", id).stream().findFirst();
    }

    public Optional<User> user(String username) {
        return users("select * from users where username = ?", username).stream().findFirst();
    }

    /** Every user, by id. */
    public List<User> users() {
        return users("select * from users order by id");
    }

    /**
     * The ids of users whose {@code created_at} equals a UTC wall-clock time given as text and
     * parsed by the database itself: catches a driver or store that writes instants through the
     * JVM's zone (a round trip through the same client would hide it).
     *
     * @param utc {@code yyyy-MM-dd HH:mm:ss.SSSSSS}, in UTC
     */
    public List<Long> usersCreatedAtUtc(String utc) {
        String sql = switch (database) {
            case H2, POSTGRESQL -> "select id from users where created_at = cast(? as timestamp(6) with time zone)";
            case MARIADB -> "select id from users where created_at = cast(? as datetime(6))";
        };
        String text = database == Database.MARIADB ? utc : utc + "+00:00";
        return query(sql, rs -> rs.getLong(1), text);
    }

    public long userCount() {
        return count("select count(*) from users");
    }

    public long purchaseCount() {
        return count("select count(*) from purchases");
    }

    /** A user's purchases, by placed_at then id. */
    public List<Purchase> purchasesOf(long userId) {
        return query("select * from purchases where user_id = ? order by placed_at, id", rs -> new Purchase(
                rs.getLong("id"), rs.getLong("user_id"), rs.getBigDecimal("amount"),
                PurchaseStatus.valueOf(rs.getString("status")), instant(rs, "placed_at")), userId);
    }

    /** Every purchase, by id. */
    public List<Purchase> purchases() {
        return query("select * from purchases order by id", rs -> new Purchase(
                rs.getLong("id"), rs.getLong("user_id"), rs.getBigDecimal("amount"),
                PurchaseStatus.valueOf(rs.getString("status")), instant(rs, "placed_at")));
    }

    /**
     * Opens a transaction on its own connection that locks the rows {@code select ... for update}
     * returns, as another client's unit of work would; the lock lasts until the returned handle is
     * closed (rolled back).
     *
     * @param sql a {@code select ... for update} of the shared schema
     */
    public AutoCloseable lock(String sql, Object... args) {
        return lockEach(sql, List.of(args.length == 1 ? args[0] : List.of(args)));
    }

    /**
     * The same, running {@code sql} once per key (one bind value each), all in one transaction: a
     * row lock per statement, as workers take them. (On MariaDB 10.11 at REPEATABLE READ, one
     * {@code where id in (...) for update} over five keys made a later {@code SKIP LOCKED} read at
     * REPEATABLE READ return no row at all.)
     */
    public AutoCloseable lockEach(String sql, List<?> keys) {
        try {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            for (Object key : keys) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (key instanceof List<?> many) {
                        bind(ps, many.toArray());
                    } else {
                        bind(ps, key);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            // every row read is locked
                        }
                    }
                }
            }
            return () -> {
                try (c) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public Optional<PurchaseStatus> statusOf(long purchaseId) {
        return query("select status from purchases where id = ?", rs -> PurchaseStatus.valueOf(rs.getString(1)),
                purchaseId).stream().findFirst();
    }

    private List<User> users(String sql, Object... args) {
        return query(sql, rs -> new User(rs.getLong("id"), rs.getString("username"), rs.getString("email"),
                rs.getString("display_name"), instant(rs, "created_at"), rs.getLong("version")), args);
    }

    private long nextValue(String sequence) {
        return query(database.nextValuesSql(sequence), rs -> rs.getLong(1), 1).get(0);
    }

    private long count(String sql) {
        return query(sql, rs -> rs.getLong(1)).get(0);
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, RowReader<T> reader, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private void execute(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
