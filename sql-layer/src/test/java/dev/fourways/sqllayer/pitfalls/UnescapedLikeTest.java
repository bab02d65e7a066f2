package dev.fourways.sqllayer.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static dev.fourways.sqllayer.generated.Tables.USERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.sqllayer.JooqUserStoreProvider;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/**
 * A LIKE pattern built from the caller's text without escaping. {@code like("%" + text + "%")}
 * binds the text as a value (no injection), but {@code _} and {@code %} inside it are still
 * wildcards: searching for {@code a_b} also returns {@code aab} and {@code axb}, where the
 * contract's {@code search} matches {@code usernameContains} literally. jOOQ's {@code like()} does
 * not escape; the idiom is {@code contains(text)}, which escapes the wildcards and renders an
 * {@code ESCAPE} clause, as the store's {@code search} does.
 *
 * @see dev.fourways.UserStore#search
 * @see <a href="https://jooq.org/doc/latest/manual/sql-building/conditional-expressions/like-predicate">jOOQ manual: LIKE predicate, escaping operands</a>
 */
class UnescapedLikeTest {

    private static final String TEXT = "a_b";

    @Test
    void anUnescapedUnderscoreMatchesAnyCharacter() {
        try (PitfallDatabase db = PitfallDatabase.seeded("a_b", "aab", "axb", "abc")) {
            DSLContext ctx = PitfallDsl.over(db.counted(), db.raw());
            db.reset();
            List<String> found = ctx.select(USERS.USERNAME).from(USERS)
                    .where(USERS.USERNAME.like("%" + TEXT + "%"))
                    .orderBy(USERS.USERNAME)
                    .fetch(USERS.USERNAME);
            db.record(getClass(), "naive");
            assertThat(found).as("'_' is a wildcard: three users where one contains \"a_b\"")
                    .containsExactly("a_b", "aab", "axb");
        }
    }

    @Test
    void theStoresContainsMatchesTheTextLiterally() {
        try (PitfallDatabase db = PitfallDatabase.seeded("a_b", "aab", "axb", "abc");
             UserStore store = new JooqUserStoreProvider().open(db.counted())) {
            db.reset();
            List<User> found = store.search(UserQuery.builder().usernameContains(TEXT).build());
            db.record(getClass(), "idiom");
            assertThat(found).extracting(User::username).containsExactly("a_b");
        }
    }
}
