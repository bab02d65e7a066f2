package dev.fourways.contract;

import dev.fourways.UserStore;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.jdbc.JdbcUserStoreProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

/**
 * A pitfall's database: fresh, seeded by the JDBC reference store on the raw pool (not counted),
 * with a second {@code DataSource} over it that counts every round trip ({@link StatementCounter},
 * the contract suite's counter). {@link #record} keeps what a variant sent in
 * {@code target/pitfalls/}, where {@code ./comparison/generate} shows it on the pitfalls page.
 * Shared by every style's pitfall tests ({@code <module>/src/test/java/.../pitfalls/}), so each
 * holds only its library's naive variant and idiom.
 */
public final class PitfallDatabase implements AutoCloseable {

    /** Purchases of each seeded user. */
    public static final int PURCHASES = 3;

    private final IsolatedDatabase database;
    private final StatementCounter counter = new StatementCounter();
    private final DataSource counted;
    private final List<Long> ids;

    private PitfallDatabase(IsolatedDatabase database, List<Long> ids) {
        this.database = database;
        this.ids = ids;
        this.counted = ProxyDataSourceBuilder.create(database.dataSource()).listener(counter).build();
    }

    /** Seeds one user per name, each with {@value #PURCHASES} purchases. */
    public static PitfallDatabase seeded(String... usernames) {
        IsolatedDatabase database = IsolatedDatabase.create(DatabaseSettings.fromSystemProperties(), "pitfall");
        try (UserStore reference = new JdbcUserStoreProvider().open(database.dataSource())) {
            List<Long> ids = List.of(usernames).stream().map(name -> {
                long id = reference.create(NewUser.of(name, name + "@pitfall.test")).id();
                for (int p = 0; p < PURCHASES; p++) {
                    reference.addPurchase(id, new NewPurchase(new BigDecimal("10.00"), PurchaseStatus.PAID,
                            Instant.parse("2024-01-01T00:00:00Z").plusSeconds(p)));
                }
                return id;
            }).toList();
            return new PitfallDatabase(database, ids);
        }
    }

    /** Counts every round trip; {@link #reset()} before the part you measure. */
    public DataSource counted() {
        return counted;
    }

    /** The same database, not counted: for setting up what a variant needs. */
    public DataSource raw() {
        return database.dataSource();
    }

    /** @return the seeded users' ids, in the order of the names given to {@link #seeded} */
    public List<Long> ids() {
        return ids;
    }

    /** Forgets the round trips counted so far. */
    public void reset() {
        counter.reset();
    }

    /** @return round trips since the last reset, a batch counting once */
    public int statements() {
        return counter.count();
    }

    /** @return the statements since the last reset, one per line */
    public String sent() {
        return counter.describe();
    }

    /** Writes what was sent since the last reset to {@code target/pitfalls/<test>.<variant>.sql}. */
    public void record(Class<?> test, String variant) {
        String sql = "-- " + statements() + " round trip" + (statements() == 1 ? "" : "s") + "\n"
                + sent().lines().map(String::strip).reduce("", (a, b) -> a + b + ";\n");
        try {
            Path file = Path.of("target/pitfalls", test.getSimpleName() + "." + variant + ".sql");
            Files.createDirectories(file.getParent());
            Files.writeString(file, sql);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
