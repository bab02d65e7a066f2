package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fourways.UserStore;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Quick mode runs every per-call benchmark of a style on one kept seed, restored between
 * benchmarks ({@link KeptTrials}): after what the write benchmarks do to it, {@link DataSet#restore}
 * must leave every row of both tables, every column, as the seed wrote it, and refuse (naming the
 * counts) when rows it does not put back are missing.
 */
class DataSetRestoreTest {

    private static final int USERS = 60;

    private IsolatedDatabase database;
    private DataSet data;
    private UserStore reference;

    @BeforeEach
    void seed() {
        database = IsolatedDatabase.create(StoreBenchmark.settings("h2"), "restore");
        data = DataSet.seed(database.dataSource(), USERS);
        reference = new JdbcUserStoreProvider().open(database.dataSource());
    }

    @AfterEach
    void drop() {
        reference.close();
        database.close();
    }

    /**
     * {@code changed} seeded users get a new e-mail, the first {@code changedBack} of them their
     * own e-mail again (a version of 2, the address as seeded); then users, users with purchases
     * and purchases before the seed's start are added, as the write benchmarks do.
     */
    @ParameterizedTest(name = "{0} e-mails changed, {1} of them changed back")
    @CsvSource({"0, 0", "1, 0", "1, 1", "7, 3", "60, 0", "60, 60"})
    void putsBackEveryRowAsTheSeedWroteIt(int changed, int changedBack) {
        // given
        List<List<Object>> seeded = rows(database.dataSource());
        for (int i = 0; i < changed; i++) {
            User user = reference.changeEmail(data.id(i), 0, "u" + i + "@changed.test");
            if (i < changedBack) {
                reference.changeEmail(data.id(i), user.version(), data.email(i));
            }
        }
        for (int n = 0; n < 5; n++) {
            reference.create(NewUser.of("new" + n, "new" + n + "@create.test"));
            reference.createWithPurchases(NewUser.of("graph" + n, "graph" + n + "@graph.test"), AggregateShapes.purchases(n));
        }
        List<Object[]> windows = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            windows.add(new Object[] {data.id(w % USERS), new BigDecimal("9.99"), PurchaseStatus.NEW.name(),
                    DataSet.BASE.minus(100 - w, ChronoUnit.HOURS)});
        }
        DataSet.batch(database.dataSource(), "insert into purchases (user_id, amount, status, placed_at) values (?, ?, ?, ?)", windows);
        assertThat(rows(database.dataSource())).as("the writes changed the tables").isNotEqualTo(seeded);

        // when
        int reset = data.restore(database.dataSource());

        // then
        assertThat(reset).as("seeded users set back").isEqualTo(changed);
        assertThat(rows(database.dataSource())).as("every row and column as seeded").isEqualTo(seeded);
        assertThat(data.restore(database.dataSource())).as("a second restore finds nothing to do").isZero();
    }

    @Test
    void refusesWhenSeededRowsAreGoneNamingTheCounts() {
        // given
        DataSet.execute(database.dataSource(), "delete from purchases where id = ?", data.purchaseId(3));

        // when, then
        assertThatThrownBy(() -> data.restore(database.dataSource()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("60 users and 599 purchases are left, the seed wrote 60 and 600");
    }

    /** Every row of both tables, every column, in id order. */
    private static List<List<Object>> rows(DataSource dataSource) {
        List<List<Object>> rows = new ArrayList<>();
        for (String sql : List.of("select * from users order by id", "select * from purchases order by id")) {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                 ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns);
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return rows;
    }
}
