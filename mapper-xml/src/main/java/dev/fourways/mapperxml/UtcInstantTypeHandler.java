package dev.fourways.mapperxml;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * Maps {@link Instant} to the timestamp columns as a UTC {@link OffsetDateTime} (JDBC 4.2), in both
 * directions, so no value ever passes through the JVM's default time zone.
 *
 * <p>Why not the built-in {@code InstantTypeHandler}: it converts through {@code java.sql.Timestamp},
 * whose reading of a zone-less MariaDB {@code DATETIME(6)} depends on the JVM's zone. The contract
 * suite runs in {@code Pacific/Chatham} to catch exactly that. Registered for {@code Instant} in
 * {@link SqlSessionFactories} (<a href="https://mybatis.org/mybatis-3/configuration.html#typeHandlers">typeHandlers</a>).
 */
public final class UtcInstantTypeHandler extends BaseTypeHandler<Instant> {

    @Override
    public void setNonNullParameter(PreparedStatement ps, int i, Instant parameter, JdbcType jdbcType)
            throws SQLException {
        ps.setObject(i, parameter.atOffset(ZoneOffset.UTC));
    }

    @Override
    public Instant getNullableResult(ResultSet rs, String columnName) throws SQLException {
        return toInstant(rs.getObject(columnName, OffsetDateTime.class));
    }

    @Override
    public Instant getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
        return toInstant(rs.getObject(columnIndex, OffsetDateTime.class));
    }

    @Override
    public Instant getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
        return toInstant(cs.getObject(columnIndex, OffsetDateTime.class));
    }

    private static Instant toInstant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }
}
