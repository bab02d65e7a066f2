package dev.fourways.manual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.db.DatabaseSettings;
import dev.fourways.db.IsolatedDatabase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.Test;

/** The README's SQL Object runs, and answers as the fluent store does, on the same database. */
class UserSqlObjectTest {

    @Test
    void findsTheSameUserAsTheFluentStore() {
        try (IsolatedDatabase database = IsolatedDatabase.create(DatabaseSettings.fromSystemProperties(), "sqlobject");
                UserStore store = new JdbiUserStoreProvider().open(database.dataSource())) {
            User alice = store.create(NewUser.of("alice", "alice@example.org"));
            // onDemand: each call takes a handle and gives it back, as the store's withHandle does.
            UserSqlObject users = Jdbi.create(database.dataSource())
                    .installPlugin(new SqlObjectPlugin())
                    .onDemand(UserSqlObject.class);

            assertThat(users.findByUsername("alice")).contains(alice).isEqualTo(store.findByUsername("alice"));
            assertThat(users.findByUsername("nobody")).isEmpty().isEqualTo(store.findByUsername("nobody"));
        }
    }
}
