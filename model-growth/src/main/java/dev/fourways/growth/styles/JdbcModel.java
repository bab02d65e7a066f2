package dev.fourways.growth.styles;

import java.sql.SQLException;
import javax.sql.DataSource;

/** What the generated plain-JDBC model ({@code <base>.jdbc.GrowthModel}) gives its start-up. */
public interface JdbcModel {

    /** Reads row 1 of the last table through its generated DAO; returns its {@code code}. */
    String first(DataSource dataSource) throws SQLException;
}
