package dev.fourways.schemachange;

import dev.fourways.db.Database;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * The three steps of issue 21's schema change, one migration file each, in
 * {@code src/main/resources/db/schema-change/<database>/} of this module. The patched project adds the same
 * files to common's Flyway locations ({@code changes/common.patch}); here each step can also be
 * applied alone, so that one step's failure does not hide what another does.
 */
public enum SchemaStep {

    /** {@code users.locale varchar(35) not null default 'en'}: a new column with a default. */
    ADD("V100__add_users_locale.sql", "add users.locale, not null, default 'en'"),

    /** {@code users.display_name} becomes {@code full_name}. */
    RENAME("V101__rename_users_display_name.sql", "rename users.display_name to full_name"),

    /** {@code purchases.amount} from {@code numeric(9, 2)} to {@code numeric(12, 2)}. */
    WIDEN("V102__widen_purchases_amount.sql", "widen purchases.amount from numeric(9, 2) to numeric(12, 2)");

    private final String file;
    private final String description;

    SchemaStep(String file, String description) {
        this.file = file;
        this.description = description;
    }

    /** The migration's file name, the same in every database's folder. */
    public String file() {
        return file;
    }

    /** What the step does, in words, for reports. */
    public String description() {
        return description;
    }

    /** The class-path resource of this step's migration for one database. */
    public String resource(Database database) {
        return "db/schema-change/" + database.id() + "/" + file;
    }

    /**
     * The migration's text for one database.
     *
     * @throws IllegalStateException when the file is missing
     */
    public String script(Database database) {
        try (InputStream in = SchemaStep.class.getClassLoader().getResourceAsStream(resource(database))) {
            if (in == null) {
                throw new IllegalStateException("missing migration " + resource(database));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs this step's statements on a database already migrated with the shared schema, with
     * plain JDBC rather than Flyway so that one step can run without the steps before it. The
     * files hold one statement each, after {@code --} comment lines.
     */
    public void apply(DataSource dataSource, Database database) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements(script(database))) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply " + resource(database) + ": " + e.getMessage(), e);
        }
    }

    static List<String> statements(String script) {
        String code = script.lines().filter(l -> !l.strip().startsWith("--"))
                .reduce("", (a, b) -> a + "\n" + b);
        return Arrays.stream(code.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
