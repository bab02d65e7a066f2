package dev.fourways.growth.styles;

/**
 * A started style.
 *
 * @param firstCode the {@code code} column of row 1 of the queried table (proves the query ran on it)
 * @param handle    what the style built (SessionFactory, SqlSessionFactory, Jdbi, DSLContext), kept
 *                  reachable so the heap measured after start includes it; null for JDBC
 */
public record Started(String firstCode, Object handle) {
}
