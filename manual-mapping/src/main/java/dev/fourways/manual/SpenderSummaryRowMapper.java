package dev.fourways.manual;

import dev.fourways.domain.SpenderSummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps one row of the {@code topSpenders} aggregate to a {@link SpenderSummary}: the columns
 * {@code id}, {@code username}, {@code purchase_count} and {@code total}, read by label.
 */
public final class SpenderSummaryRowMapper implements RowMapper<SpenderSummary> {

    @Override
    public SpenderSummary map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SpenderSummary(
                rs.getLong("id"),
                rs.getString("username"),
                rs.getLong("purchase_count"),
                rs.getBigDecimal("total"));
    }
}
