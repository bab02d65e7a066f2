package dev.fourways.growth.styles;

import org.jdbi.v3.core.Jdbi;

/** What the generated Jdbi model ({@code <base>.jdbi.GrowthModel}) gives its start-up. */
public interface JdbiModel {

    /** Reads row 1 of the last table through its generated {@code RowMapper}; returns its {@code code}. */
    String first(Jdbi jdbi);
}
