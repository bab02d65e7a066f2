package dev.fourways.schemachange;

import dev.fourways.UserStore;
import dev.fourways.UserStoreProvider;
import dev.fourways.db.Database;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Runs one style's current, unchanged store on a fresh database migrated with the shared schema
 * plus one {@link SchemaStep}, and observes when (if ever) the missing change shows: opening the
 * store, the first operation that fails, or, when all succeed, whether plain JDBC finds every value
 * the store was given or read.
 */
public final class ForgottenChangeProbe {

    /** Placed before the cut-off of {@code topSpenders}; microseconds to catch any rounding. */
    private static final Instant T0 = Instant.parse("2024-03-01T10:15:30.123456Z");
    /** More than numeric(9, 2) can hold, less than numeric(12, 2): only a widened column stores it. */
    private static final BigDecimal WIDE_AMOUNT = new BigDecimal("12345678.90");

    private ForgottenChangeProbe() {
    }

    /**
     * @param settings the server ({@code -Dfourways.db}); a new isolated database is made and dropped
     * @return what happened
     */
    public static Observation observe(UserStoreProvider provider, SchemaStep step, DatabaseSettings settings) {
        try (IsolatedDatabase db = IsolatedDatabase.create(settings, "forgotten")) {
            step.apply(db.dataSource(), db.database());
            UserStore store;
            try {
                store = provider.open(db.dataSource());
            } catch (RuntimeException e) {
                return new Observation(provider.name(), step, Caught.START_UP, "open", firstLine(e));
            }
            try (store) {
                return run(provider.name(), step, store, db.dataSource(), db.database());
            }
        }
    }

    private static Observation run(String style, SchemaStep step, UserStore store, DataSource ds, Database database) {
        Plain jdbc = new Plain(ds, step);
        long other = jdbc.insertUser("grace", "grace@example.com", "de-CH");
        if (step == SchemaStep.WIDEN) {
            jdbc.insertPurchase(other, WIDE_AMOUNT);
        }
        long[] id = new long[1];
        // Operations in the order an application would meet them; count() first because it
        // touches no column that changes. Each result is kept for the silent checks below.
        Map<String, Supplier<Object>> operations = new LinkedHashMap<>();
        operations.put("count", store::count);
        operations.put("create", () -> {
            User u = store.create(new NewUser("ada", "ada@example.com", "Ada Lovelace", T0));
            id[0] = u.id();
            return u;
        });
        operations.put("findById", () -> store.findById(id[0]).orElseThrow());
        operations.put("findByUsername", () -> store.findByUsername("grace").orElseThrow());
        operations.put("search", () -> store.search(UserQuery.builder().usernameContains("a").build()));
        operations.put("page", () -> store.page(0, 10));
        operations.put("addPurchase", () -> store.addPurchase(id[0], new NewPurchase(new BigDecimal("12.50"),
                PurchaseStatus.PAID, T0)));
        operations.put("findWithPurchases", () -> store.findWithPurchases(other).orElseThrow());
        operations.put("topSpenders", () -> store.topSpenders(T0.minusSeconds(60), 10));
        operations.put("changeEmail", () -> store.changeEmail(other, 0, "grace@example.org"));
        Map<String, Object> results = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<Object>> op : operations.entrySet()) {
            try {
                results.put(op.getKey(), op.getValue().get());
            } catch (RuntimeException e) {
                return new Observation(style, step, Caught.FIRST_QUERY, op.getKey(), firstLine(e));
            }
        }
        List<String> lost = silentLosses(step, jdbc, id[0], other, results);
        String checked = switch (step) {
            case ADD -> "locale of a row after the store's insert and update";
            case RENAME -> "full_name written and read back";
            case WIDEN -> "an amount only numeric(12, 2) holds, read back";
        };
        return lost.isEmpty()
                ? new Observation(style, step, Caught.NEVER_NOTHING_LOST, checked, "")
                : new Observation(style, step, Caught.NEVER_VALUE_LOST, checked, String.join("; ", lost));
    }

    private static List<String> silentLosses(SchemaStep step, Plain jdbc, long ada, long grace, Map<String, Object> results) {
        List<String> lost = new ArrayList<>();
        User created = (User) results.get("create");
        check(lost, "display name written by create", "Ada Lovelace", jdbc.displayName(ada));
        check(lost, "display name read by findById", "Ada Lovelace", ((User) results.get("findById")).displayName());
        check(lost, "display name read by findByUsername", "Grace", ((User) results.get("findByUsername")).displayName());
        check(lost, "display name returned by create", "Ada Lovelace", created.displayName());
        if (step == SchemaStep.ADD) {
            // The unchanged domain has no locale: nothing to read; the database's default must
            // fill new rows, and the store's update must leave another writer's value alone.
            check(lost, "locale of a row the store inserted", "en", jdbc.locale(ada));
            check(lost, "locale of a row the store updated", "de-CH", jdbc.locale(grace));
        }
        if (step == SchemaStep.WIDEN) {
            UserWithPurchases read = (UserWithPurchases) results.get("findWithPurchases");
            check(lost, "wide amount read by findWithPurchases", WIDE_AMOUNT,
                    read.purchases().isEmpty() ? null : read.purchases().get(0).amount());
        }
        return lost;
    }

    private static void check(List<String> lost, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            lost.add(what + ": expected " + expected + ", was " + actual);
        }
    }

    /** The first line of the deepest cause's message, which names the library's complaint. */
    static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return root.getClass().getSimpleName() + ": " + message.lines().findFirst().orElse("").strip();
    }

    /** Plain-JDBC reads and writes of the migrated tables: the judge, never the store under test. */
    private record Plain(DataSource ds, SchemaStep step) {

        String nameColumn() {
            return step == SchemaStep.RENAME ? "full_name" : "display_name";
        }

        long insertUser(String username, String email, String locale) {
            String sql = "insert into users (username, email, " + nameColumn() + ", created_at"
                    + (step == SchemaStep.ADD ? ", locale" : "") + ") values (?, ?, 'Grace', ?"
                    + (step == SchemaStep.ADD ? ", ?" : "") + ")";
            // The id is read back by username: MariaDB's driver returns generated keys only for
            // AUTO_INCREMENT columns, not for a sequence default.
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, username);
                ps.setString(2, email);
                ps.setObject(3, T0.atOffset(java.time.ZoneOffset.UTC));
                if (step == SchemaStep.ADD) {
                    ps.setString(4, locale);
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return Long.parseLong(string("select id from users where username = ?", username));
        }

        void insertPurchase(long userId, BigDecimal amount) {
            update("insert into purchases (user_id, amount, status, placed_at) values (?, ?, 'PAID', ?)",
                    userId, amount, T0.atOffset(java.time.ZoneOffset.UTC));
        }

        String displayName(long id) {
            return string("select " + nameColumn() + " from users where id = ?", id);
        }

        String locale(long id) {
            return string("select locale from users where id = ?", id);
        }

        private void update(String sql, Object... args) {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private String string(String sql, Object key) {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
