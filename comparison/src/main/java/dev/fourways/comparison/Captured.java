package dev.fourways.comparison;

import java.util.List;
import java.util.Map;

/**
 * What the capture recorded, per database, as stored in {@code docs/comparison/sql/<database>.json}.
 *
 * @param database   {@code h2}, {@code postgresql} or {@code mariadb}
 * @param product    the database product and version the capture ran on
 * @param operations per operation, per style, one call's round trips
 */
public record Captured(String database, String product, Map<String, Map<String, Call>> operations) {

    /**
     * One call of one operation by one style, the second of two (the first warms up: it may fetch
     * a block of ids or metadata).
     *
     * @param statements statement executions the database saw, a JDBC batch counting once
     * @param commits    calls of {@code Connection.commit()} or {@code rollback()}: each ends an
     *                   explicit transaction, one more round trip on a server
     * @param events     the statements and transaction ends, in the order they happened
     */
    public record Call(int statements, int commits, List<Event> events) {
    }

    /**
     * One round trip.
     *
     * @param kind       {@code statement}, {@code batch}, {@code commit} or {@code rollback}
     * @param sql        the SQL text as the driver received it (null for commit and rollback)
     * @param batchSize  rows in a batch (0 for a single statement)
     * @param parameters the bound values, one list per execution (one for a statement, one per row
     *                   of a batch, the first {@value SqlCapture#SHOWN_BATCH_ROWS} only), each value
     *                   as {@code toString()} gives it, strings in quotes
     */
    public record Event(String kind, String sql, int batchSize, List<List<String>> parameters) {
    }
}
