package dev.fourways.schemachange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.User;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.mapper.reflect.ReflectionMappers;
import org.junit.jupiter.api.Test;

/**
 * The setting that catches a forgotten added column earlier than a contract test, where one
 * exists: Jdbi's {@code ReflectionMappers.strictMatching} makes a reflective mapper fail on a
 * column that no constructor parameter takes. It applies to reflective mappers only; the
 * project's Jdbi store uses a hand-written row mapper, which has no such check.
 */
class MappingSettingsTest {

    private static final String SELECT =
            "select id, username, email, display_name, created_at, version, locale from users";

    @Test
    void jdbiStrictMatchingRejectsTheNewColumnTheRecordDoesNotTake() {
        try (IsolatedDatabase db = IsolatedDatabase.create(DatabaseSettings.fromSystemProperties(), "strict")) {
            SchemaStep.ADD.apply(db.dataSource(), db.database());
            Jdbi jdbi = Jdbi.create(db.dataSource());
            jdbi.useHandle(h -> h.execute("insert into users (username, email, display_name, created_at, locale)"
                    + " values ('ada', 'ada@example.com', 'Ada', current_timestamp, 'de-CH')"));

            List<User> lenient = jdbi.withHandle(h -> h.createQuery(SELECT).map(ConstructorMapper.of(User.class)).list());
            assertThat(lenient).as("by default the locale column is dropped without a word")
                    .extracting(User::username).containsExactly("ada");

            assertThatThrownBy(() -> jdbi.useHandle((Handle h) -> {
                h.getConfig(ReflectionMappers.class).setStrictMatching(true);
                h.createQuery(SELECT).map(ConstructorMapper.of(User.class)).list();
            })).as("strict matching names the column no parameter takes").hasMessageContaining("locale");
        }
    }
}
