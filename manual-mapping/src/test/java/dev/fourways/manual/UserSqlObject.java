package dev.fourways.manual;

import dev.fourways.domain.User;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * {@code findByUsername} as a Jdbi SQL Object, the declarative half of Jdbi: the same SQL and the
 * same hand-written {@link UserRowMapper}, declared on an interface that Jdbi implements. The
 * module README quotes it next to the fluent version in {@link JdbiUserStore}, and
 * {@link UserSqlObjectTest} checks that both give the same answer.
 * https://jdbi.org/#_declarative_api
 */
@RegisterRowMapper(UserRowMapper.class)
public interface UserSqlObject {

    @SqlQuery("""
            select u.id, u.username, u.email, u.display_name, u.created_at, u.version
            from users u
            where u.username = :username""")
    Optional<User> findByUsername(@Bind("username") String username);
}
