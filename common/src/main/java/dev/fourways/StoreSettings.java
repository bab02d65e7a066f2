package dev.fourways;

import dev.fourways.domain.Validation;
import java.time.Duration;

/**
 * What a caller tunes in every style's store alike, given to {@link UserStoreProvider#open(javax.sql.DataSource, StoreSettings)}.
 *
 * <p><b>Statement timeout.</b> Every statement a store sends is cancelled by the database when it
 * runs longer than {@code statementTimeout}, and the call fails with
 * {@link dev.fourways.error.StatementTimeoutException}. Each style applies it with its library's
 * documented setting, which in the end calls JDBC's {@code Statement.setQueryTimeout(seconds)}:
 * the JDBC reference calls it on each statement; Hibernate {@code jakarta.persistence.query.timeout}
 * (milliseconds) / {@code org.hibernate.timeout} per query; MyBatis {@code defaultStatementTimeout}
 * (seconds) on the {@code Configuration}; Jdbi {@code SqlStatements.setQueryTimeout(seconds)} on
 * its configuration; jOOQ {@code Settings.withQueryTimeout(seconds)}. The drivers turn it
 * into a server-side cancel: pgJDBC sends a cancel request (57014), MariaDB Connector/J prefixes
 * {@code SET STATEMENT max_statement_time=N FOR} (error 1969). H2 honours it while it works, but
 * not while a statement waits for a row lock: there its own {@code LOCK_TIMEOUT} applies (error
 * 50200, a {@link dev.fourways.error.TransactionConflictException} of kind LOCK_TIMEOUT).
 *
 * @param statementTimeout whole seconds, 1 s to 1 h: JDBC's query timeout counts in seconds, so a
 *                         fraction could not be applied the same way by every library
 */
public record StoreSettings(Duration statementTimeout) {

    /** The default: 30 s, long enough for the benchmarks' biggest batch, short enough to end a stuck call. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    public StoreSettings {
        Validation.require("statementTimeout", statementTimeout);
        if (statementTimeout.toNanos() % 1_000_000_000L != 0
                || statementTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || statementTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("statementTimeout: must be whole seconds from 1 s to 1 h, was "
                    + statementTimeout);
        }
    }

    /** The settings every caller gets unless it says otherwise. */
    public static StoreSettings defaults() {
        return new StoreSettings(DEFAULT_STATEMENT_TIMEOUT);
    }

    /** @return the statement timeout in seconds, as {@code Statement.setQueryTimeout} takes it */
    public int statementTimeoutSeconds() {
        return (int) statementTimeout.toSeconds();
    }
}
