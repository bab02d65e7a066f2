package dev.fourways.bench;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import dev.fourways.UserStore;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;

/**
 * The one deterministic data set every benchmark runs on: {@code users} users, each with
 * {@value #PURCHASES_PER_USER} purchases, seeded through the plain-JDBC reference so that no style
 * seeds its own data. The same size gives the same rows, in the same order, with the same ids
 * (a fresh database's sequences start at the same value), on every run and every database.
 *
 * <p>Users: {@code user000000..}, e-mails spread over four domains, one in three without a display
 * name, created {@value #CREATED_STEP_SECONDS} s apart from {@link #BASE}. Purchases: amounts,
 * statuses and times from a seeded {@link Random}, placed over the two years after {@link #BASE}.
 * Nothing is placed before {@link #BASE}: the bulk-update benchmark uses that past for its own rows.
 */
public final class DataSet {

    /** Purchases per seeded user. */
    public static final int PURCHASES_PER_USER = 10;
    /** Everything seeded happens at or after this instant. */
    public static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");
    static final long CREATED_STEP_SECONDS = 397;
    static final String[] DOMAINS = {"example.com", "mail.test", "post.test", "inbox.test"};
    private static final PurchaseStatus[] STATUSES = PurchaseStatus.values();
    private static final int CHUNK = 1000;
    /**
     * InnoDB's persistent statistics read this many leaf pages of each index, chosen at random
     * (default 20, {@code innodb_stats_persistent_sample_pages}); an index with fewer leaf pages
     * is read whole, so its statistics are exact and the same for every seed. Measured: with the
     * default, two identical seeds of 10,000 users got different estimates for 11 of 40 index
     * statistics (distinct users in {@code purchases_user_placed_idx}: 7,744 against 11,347; true
     * 10,000). 65,535 is the table option's maximum: 1 GiB of 16 KiB pages per index.
     * <a href="https://mariadb.com/kb/en/innodb-persistent-statistics/">InnoDB persistent statistics</a>
     */
    private static final int INNODB_SAMPLE_PAGES = 65_535;

    private final long[] userIds;
    private final String[] usernames;
    private final String[] emails;
    private final long[] purchaseIds;

    private DataSet(long[] userIds, String[] usernames, String[] emails, long[] purchaseIds) {
        this.userIds = userIds;
        this.usernames = usernames;
        this.emails = emails;
        this.purchaseIds = purchaseIds;
    }

    /**
     * Seeds an empty, migrated database.
     *
     * @param users how many users (each gets {@value #PURCHASES_PER_USER} purchases), 1 or more
     */
    public static DataSet seed(DataSource dataSource, int users) {
        if (users < 1) {
            throw new IllegalArgumentException("users: must be 1 or more, was " + users);
        }
        long[] ids = new long[users];
        String[] names = new String[users];
        String[] emails = new String[users];
        UserStore reference = new JdbcUserStoreProvider().open(dataSource);
        for (int from = 0; from < users; from += CHUNK) {
            List<NewUser> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(users, from + CHUNK); i++) {
                chunk.add(newUser(i));
            }
            List<User> created = reference.createAll(chunk);
            for (int i = 0; i < created.size(); i++) {
                ids[from + i] = created.get(i).id();
                names[from + i] = created.get(i).username();
                emails[from + i] = created.get(i).email();
            }
        }
        insertPurchases(dataSource, ids, new Random(42), BASE.plus(1, ChronoUnit.DAYS), 730L * 24 * 3600);
        settle(dataSource, users);
        return new DataSet(ids, names, emails, purchaseIds(dataSource));
    }

    /**
     * Puts back the data as {@link #seed} wrote it, after benchmarks that wrote, so that the next
     * benchmark may run on this database instead of a fresh seed (quick mode's {@link KeptTrials}).
     * In order: deletes every user added after the seed (with their purchases, by the foreign key's
     * cascade) and every purchase placed before {@link #BASE} (the batch-mode writes' targets);
     * sets every seeded user whose version moved (only {@code changeEmail} changes seeded users)
     * back to the seed's e-mail and version 0; checks that exactly the seeded users and purchases
     * are left; then settles the tables as the seed did, without a new ANALYZE (the seed's
     * statistics stay): on PostgreSQL {@code vacuum} (the deleted and updated rows' dead versions)
     * and a checkpoint, on MariaDB {@code flush tables … for export} (which waits for InnoDB's purge
     * of those tables), on H2 nothing. Measured in a warm JVM (2026-12-08): on PostgreSQL 0.02-0.03 s
     * when nothing was written, 0.17-0.19 s after 20,000 users created and deleted and 10,000 e-mails
     * changed, against 1.7-1.8 s for a fresh trial (schema and migration 0.1 s, seed 1.35-1.58 s,
     * fairness check 0.17-0.30 s); on MariaDB 0.014 s and 0.26 s, against 1.5 s.
     *
     * @return how many seeded users were set back (0 when no benchmark changed one)
     * @throws IllegalStateException when other rows are left than the seed's (a benchmark changed
     *                               seeded data that this method does not put back): the counts
     */
    public int restore(DataSource dataSource) {
        execute(dataSource, "delete from purchases where placed_at < ?", BASE);
        execute(dataSource, "delete from users where id > ?", maxId());
        java.util.Map<Long, Integer> seeded = new java.util.HashMap<>();
        for (int i = 0; i < userIds.length; i++) {
            seeded.put(userIds[i], i);
        }
        List<Object[]> reset = new ArrayList<>();
        for (long id : queryLongs(dataSource, "select id from users where version <> 0 order by id")) {
            reset.add(new Object[] {emails[seeded.get(id)], id});
        }
        if (!reset.isEmpty()) {
            batch(dataSource, "update users set email = ?, version = 0 where id = ?", reset);
        }
        long users = queryLongs(dataSource, "select count(*) from users")[0];
        long purchases = queryLongs(dataSource, "select count(*) from purchases")[0];
        if (users != userIds.length || purchases != purchaseIds.length) {
            throw new IllegalStateException("cannot restore the seed: %d users and %d purchases are left, the seed wrote %d and %d"
                    .formatted(users, purchases, userIds.length, purchaseIds.length));
        }
        settleAfterWrites(dataSource);
        return reset.size();
    }

    /**
     * The first column of every row {@code sql} returns, as longs. {@code sql} is always one of this
     * class's constant statements, with no value in it; it is concatenated only into the error message.
     */
    private static long[] queryLongs(DataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             java.sql.ResultSet rs = ps.executeQuery()) {
            List<Long> found = new ArrayList<>();
            while (rs.next()) {
                found.add(rs.getLong(1));
            }
            return found.stream().mapToLong(Long::longValue).toArray();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "': " + e.getMessage(), e);
        }
    }

    /** {@link #settle}'s background work again, without its ANALYZE. */
    private static void settleAfterWrites(DataSource dataSource) {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            switch (dev.fourways.db.Database.of(c)) {
                case POSTGRESQL -> {
                    s.execute("vacuum users, purchases");
                    checkpoint(s);
                }
                case MARIADB -> {
                    s.execute("flush tables users, purchases for export");
                    s.execute("unlock tables");
                }
                case H2 -> { }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot settle the restored tables: " + e.getMessage(), e);
        }
    }

    /** Every seeded purchase's id, ascending: the database gave them (the column's default). */
    private static long[] purchaseIds(DataSource dataSource) {
        return queryLongs(dataSource, "select id from purchases order by id");
    }

    /** The seeded user number {@code i} (from 0), before it has an id. */
    public static NewUser newUser(int i) {
        String name = "user%06d".formatted(i);
        String displayName = i % 3 == 0 ? null : "Nutzer Nº " + i + " – ☕";
        return new NewUser(name, name + "@" + DOMAINS[i % DOMAINS.length], displayName,
                BASE.plusSeconds(i * CREATED_STEP_SECONDS));
    }

    /**
     * Gives each user {@value #PURCHASES_PER_USER} purchases, in JDBC batches, ids from the column
     * default. Amounts, statuses and times come from {@code random}; times fall in
     * {@code [from, from + spanSeconds)}.
     */
    static void insertPurchases(DataSource dataSource, long[] userIds, Random random, Instant from, long spanSeconds) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "insert into purchases (user_id, amount, status, placed_at) values (?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            int pending = 0;
            for (long userId : userIds) {
                for (int j = 0; j < PURCHASES_PER_USER; j++) {
                    ps.setLong(1, userId);
                    ps.setBigDecimal(2, BigDecimal.valueOf(100 + random.nextInt(50_000), 2));
                    ps.setString(3, STATUSES[random.nextInt(STATUSES.length)].name());
                    ps.setObject(4, utc(from.plusSeconds((long) (random.nextDouble() * spanSeconds))));
                    ps.addBatch();
                    if (++pending == CHUNK) {
                        ps.executeBatch();
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed purchases: " + e.getMessage(), e);
        }
    }

    /**
     * Leaves the server as a running application finds it, and quiet, before anything is timed:
     * planner statistics for the freshly seeded tables (without them PostgreSQL plans the range
     * queries, topSpenders and the bulk update, for empty tables), and the seed's own background
     * work done now instead of during the measurement. Without this, PostgreSQL's autovacuum
     * (triggered by 110,000 inserted rows) and MariaDB's flushing of the seed's dirty pages and
     * change-buffer merges (measured: about 2 MB/s written during read-only benchmarks) ran during
     * some styles' measurements and not others', depending on timing. H2 in memory has neither.
     * <ul>
     *   <li>PostgreSQL: {@code vacuum (analyze)}, what autovacuum would do (statistics, and the
     *       visibility map that index-only scans need), then {@code checkpoint}. The analyze reads
     *       every row ({@link #statisticsTarget(int)}), so two seeds give the planner the same
     *       statistics and the same plans.
     *       <a href="https://www.postgresql.org/docs/15/sql-vacuum.html">VACUUM</a></li>
     *   <li>MariaDB: {@code analyze table}, reading every leaf page of every index
     *       ({@link #INNODB_SAMPLE_PAGES}), then {@code flush tables … for export}, which merges
     *       the change buffer and writes the tables' dirty pages to disk.
     *       <a href="https://mariadb.com/kb/en/flush-tables-for-export/">FLUSH TABLES FOR EXPORT</a></li>
     * </ul>
     */
    private static void settle(DataSource dataSource, int users) {
        try (Connection c = dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            switch (dev.fourways.db.Database.of(c)) {
                case POSTGRESQL -> {
                    s.execute("set default_statistics_target = " + statisticsTarget(users));
                    s.execute("vacuum (analyze) users, purchases");
                    s.execute("reset default_statistics_target");
                    checkpoint(s);
                }
                case MARIADB -> {
                    s.execute("alter table users stats_sample_pages = " + INNODB_SAMPLE_PAGES);
                    s.execute("alter table purchases stats_sample_pages = " + INNODB_SAMPLE_PAGES);
                    s.execute("analyze table users, purchases");
                    s.execute("flush tables users, purchases for export");
                    s.execute("unlock tables");
                }
                case H2 -> { }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot settle the seeded tables: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code default_statistics_target} under which the seeded tables are analysed on
     * PostgreSQL: large enough that ANALYZE reads every row of the largest table
     * ({@value #PURCHASES_PER_USER} purchases per user), so its statistics are the same for every
     * seed of the same size. ANALYZE reads a random sample of 300 × target rows
     * (<a href="https://www.postgresql.org/docs/15/planner-stats.html">Statistics Used by the
     * Planner</a>, <a href="https://www.postgresql.org/docs/15/runtime-config-query.html#GUC-DEFAULT-STATISTICS-TARGET">default_statistics_target</a>);
     * with the default 100 that is 30,000 of the 100,000 purchases of 10,000 users, and measured
     * on this machine two identical seeds then got different {@code pg_stats} for every purchases
     * column (most common values, histograms, correlation), so the same query could be planned
     * differently in two runs. With this target (334 for 10,000 users) every column's statistics
     * were identical. The finer histograms (335 bounds instead of 101) also change estimates: the
     * benchmark's e-mail {@code LIKE} is estimated at 589 rows (518 true) instead of 1, and
     * {@code search} runs a backward index scan of 0.5 ms instead of a 2.6-3.3 ms scan in every
     * style ({@code explain analyze}, PostgreSQL 15; sql-layer/README.md, "Measured choices").
     *
     * @param users the seeded users, 1 or more
     * @return {@code ceil(10 × users / 300)}, at least 100 (PostgreSQL's default) and at most
     *         10,000 (its maximum: beyond 300,000 users, 3,000,000 of their purchases are sampled)
     */
    static int statisticsTarget(int users) {
        long rows = (long) users * PURCHASES_PER_USER;
        long target = (rows + 299) / 300;
        return (int) Math.max(100, Math.min(10_000, target));
    }

    /** PostgreSQL's checkpoint needs a superuser or pg_checkpoint; without either, the run goes on and says so. */
    private static void checkpoint(java.sql.Statement s) {
        try {
            s.execute("checkpoint");
        } catch (SQLException e) {
            System.out.println("# fourways: no checkpoint after seeding (" + e.getMessage().strip()
                    + "); the seed's writes may still be flushed while timing");
        }
    }

    /** Runs one statement once per row of values, as JDBC batches, in one transaction. */
    static void batch(DataSource dataSource, String sql, List<Object[]> rows) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (int r = 0; r < rows.size(); r++) {
                Object[] values = rows.get(r);
                for (int i = 0; i < values.length; i++) {
                    ps.setObject(i + 1, values[i] instanceof Instant t ? utc(t) : values[i]);
                }
                ps.addBatch();
                if ((r + 1) % CHUNK == 0 || r == rows.size() - 1) {
                    ps.executeBatch();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' in a batch: " + e.getMessage(), e);
        }
    }

    /** Runs one statement with bound values, in its own transaction; returns the update count. */
    static int execute(DataSource dataSource, String sql, Object... values) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i] instanceof Instant t ? utc(t) : values[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "': " + e.getMessage(), e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** How many users were seeded. */
    public int purchaseCount() {
        return purchaseIds.length;
    }

    /** The id of seeded purchase number {@code i} (from 0, in id order), {@code i} below {@link #purchaseCount()}. */
    public long purchaseId(int i) {
        return purchaseIds[i];
    }

    public int size() {
        return userIds.length;
    }

    /** The id of seeded user {@code i}. */
    public long id(int i) {
        return userIds[i];
    }

    /** The highest seeded user id: every row a benchmark adds has a higher one. */
    public long maxId() {
        return java.util.Arrays.stream(userIds).max().orElseThrow();
    }

    /** The username of seeded user {@code i}. */
    public String username(int i) {
        return usernames[i];
    }

    /** The e-mail of seeded user {@code i}, as stored. */
    public String email(int i) {
        return emails[i];
    }
}
