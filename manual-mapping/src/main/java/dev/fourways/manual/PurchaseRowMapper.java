package dev.fourways.manual;

import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps the {@code purchases} columns of a row to a {@link Purchase}: {@code id}, {@code user_id},
 * {@code amount}, {@code status} and {@code placed_at}, each read by label under a prefix.
 *
 * <p>The prefix is what lets the same mapper read a joined row, where the purchase's columns are
 * aliased ({@code p.id as p_id}) so they do not clash with the user's {@code id}; the same
 * convention as Jdbi's prefixed mappers
 * (Jdbi Developer Guide, "Joins", <a href="https://jdbi.org/">jdbi.org</a>). The labels are built once, not per
 * row. Immutable, so one instance serves every thread.
 */
public final class PurchaseRowMapper implements RowMapper<Purchase> {

    private final String id;
    private final String userId;
    private final String amount;
    private final String status;
    private final String placedAt;

    /** @param prefix put before every column label, for example {@code "p_"}; empty for none */
    public PurchaseRowMapper(String prefix) {
        this.id = prefix + "id";
        this.userId = prefix + "user_id";
        this.amount = prefix + "amount";
        this.status = prefix + "status";
        this.placedAt = prefix + "placed_at";
    }

    @Override
    public Purchase map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Purchase(
                rs.getLong(id),
                rs.getLong(userId),
                rs.getBigDecimal(amount),
                PurchaseStatus.valueOf(rs.getString(status)),
                rs.getObject(placedAt, OffsetDateTime.class).toInstant());
    }
}
