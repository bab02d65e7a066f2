package dev.fourways.manual;

import dev.fourways.domain.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps one row of {@code users} to a {@link User}, reading the columns {@code id}, {@code username},
 * {@code email}, {@code display_name}, {@code created_at} and {@code version} by label.
 *
 * <p>Written by hand on purpose: this is the whole mapping between the table and the record, with
 * nothing inferred by reflection. Stateless, so one instance serves every thread
 * (<a href="https://jdbi.org/apidocs/org/jdbi/v3/core/mapper/RowMapper.html">Jdbi, {@code RowMapper}</a>).
 */
public final class UserRowMapper implements RowMapper<User> {

    @Override
    public User map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new User(
                rs.getLong("id"),
                rs.getString("username"),
                rs.getString("email"),
                rs.getString("display_name"),
                // JDBC 4.2 reads the column as an OffsetDateTime, with the offset the database
                // stored (for MariaDB's zone-less DATETIME, the driver's connection time zone).
                // Jdbi's built-in Instant mapper goes through getTimestamp(), computed in the
                // JVM's default zone: see JdbiUserStore.utc and the README's pitfalls.
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getLong("version"));
    }
}
