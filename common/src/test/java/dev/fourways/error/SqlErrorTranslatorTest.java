package dev.fourways.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The messages below are the ones each database sends (seen in this project's test runs). */
class SqlErrorTranslatorTest {

    @Test
    void readsTheFieldFromH2sUniqueIndexName() {
        SQLException h2 = new SQLException("Unique index or primary key violation: \"PUBLIC.USERS_EMAIL_UK_INDEX_4 ON "
                + "PUBLIC.USERS(EMAIL NULLS FIRST) VALUES ( /* 1 */ 'a@b.c' )\"", "23505", 23505);

        assertThat(SqlErrorTranslator.translate("create", h2))
                .isInstanceOfSatisfying(DuplicateUserException.class,
                        e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.EMAIL))
                .hasCause(h2);
    }

    @Test
    void readsTheFieldFromPostgresqlsConstraintName() {
        SQLException pg = new SQLException("ERROR: duplicate key value violates unique constraint \"users_username_uk\"",
                "23505", 0);

        assertThat(SqlErrorTranslator.translate("create", pg)).isInstanceOfSatisfying(DuplicateUserException.class,
                e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.USERNAME));
    }

    @Test
    void readsTheFieldFromMariadbsKeyName() {
        SQLException maria = new SQLException("(conn=12) Duplicate entry 'x@y.z' for key 'users_email_uk'", "23000", 1062);

        assertThat(SqlErrorTranslator.translate("create", maria)).isInstanceOfSatisfying(DuplicateUserException.class,
                e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.EMAIL));
    }

    @Test
    void findsTheCauseBehindABatchFailureAndALibraryWrapper() {
        SQLException real = new SQLException("duplicate key value violates unique constraint \"users_email_uk\"", "23505");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", "25P02", 0, new int[0]);
        batch.setNextException(real);
        RuntimeException library = new RuntimeException("library wrapper", batch);

        StoreException translated = SqlErrorTranslator.translate("createAll", library, batch);

        assertThat(translated).isInstanceOf(DuplicateUserException.class).hasCause(library);
    }

    @Test
    void turnsAMissingParentIntoUserNotFoundOnEveryDatabase() {
        assertThat(SqlErrorTranslator.translate("addPurchase", new SQLException("Referential integrity", "23506", 23506)))
                .isInstanceOf(UserNotFoundException.class);
        assertThat(SqlErrorTranslator.translate("addPurchase", new SQLException("violates foreign key", "23503", 0)))
                .isInstanceOf(UserNotFoundException.class);
        assertThat(SqlErrorTranslator.translate("addPurchase", new SQLException("Cannot add or update a child row", "23000", 1452)))
                .isInstanceOf(UserNotFoundException.class);
    }

    @Test
    void keepsAnythingElseAsAPlainStoreExceptionWithTheOperation() {
        SQLException other = new SQLException("relation \"nowhere\" does not exist", "42P01");

        StoreException translated = SqlErrorTranslator.translate("count", other);

        assertThat(translated.getClass()).isEqualTo(StoreException.class);
        assertThat(translated).hasMessageStartingWith("count failed").hasCause(other);
    }

    @Test
    void doesNotMistakeAnotherUniqueConstraintForAUserField() {
        SQLException pk = new SQLException("duplicate key value violates unique constraint \"users_pk\"", "23505", 0);

        assertThat(SqlErrorTranslator.translate("create", pk).getClass()).isEqualTo(StoreException.class);
    }

    /** Every row of the transient table in {@link SqlErrorTranslator}'s Javadoc, per database. */
    static Stream<Arguments> transientFailures() {
        return Stream.of(
                row("H2 connection broken 90067", new SQLException("Connection is broken", "90067", 90067), ConnectionLostException.class),
                row("H2 database closed at shutdown 90121", new SQLException("Database is already closed", "90121", 90121), ConnectionLostException.class),
                row("H2 database is closed 90098", new SQLException("The database has been closed", "90098", 90098), ConnectionLostException.class),
                row("PostgreSQL terminated 57P01", new SQLException("terminating connection due to administrator command", "57P01", 0), ConnectionLostException.class),
                row("PostgreSQL crash shutdown 57P02", new SQLException("crash shutdown", "57P02", 0), ConnectionLostException.class),
                row("PostgreSQL cannot connect now 57P03", new SQLException("the database system is starting up", "57P03", 0), ConnectionLostException.class),
                row("PostgreSQL I/O error 08006", new SQLException("An I/O error occurred while sending to the backend.", "08006", 0), ConnectionLostException.class),
                row("PostgreSQL connection closed 08003", new SQLException("This connection has been closed.", "08003", 0), ConnectionLostException.class),
                row("MariaDB socket error 08000", new SQLException("(conn=5) Socket error", "08000", 0), ConnectionLostException.class),
                row("MariaDB connection killed 1927", new SQLException("Connection was killed", "70100", 1927), ConnectionLostException.class),
                row("MariaDB server gone away 2006", new SQLException("MySQL server has gone away", "HY000", 2006), ConnectionLostException.class),
                row("MariaDB lost connection 2013", new SQLException("Lost connection to server during query", "HY000", 2013), ConnectionLostException.class),
                row("H2 deadlock 40001", new SQLException("Deadlock detected", "40001", 40001), TransactionConflictException.class),
                row("PostgreSQL deadlock 40P01", new SQLException("deadlock detected", "40P01", 0), TransactionConflictException.class),
                row("MariaDB deadlock 1213", new SQLException("Deadlock found when trying to get lock", "40001", 1213), TransactionConflictException.class),
                row("PostgreSQL serialization failure 40001", new SQLException("could not serialize access", "40001", 0), TransactionConflictException.class),
                row("H2 concurrent update 90131", new SQLException("Concurrent update in table", "90131", 90131), TransactionConflictException.class),
                row("PostgreSQL lock not available 55P03", new SQLException("canceling statement due to lock timeout", "55P03", 0), TransactionConflictException.class),
                row("MariaDB lock wait timeout 1205", new SQLException("Lock wait timeout exceeded", "HY000", 1205), TransactionConflictException.class),
                row("H2 lock timeout 50200", new SQLException("Timeout trying to lock table", "HYT00", 50200), TransactionConflictException.class),
                row("H2 statement cancelled 57014", new SQLException("Statement was canceled or the session timed out", "57014", 57014), StatementTimeoutException.class),
                row("PostgreSQL query cancelled 57014", new SQLException("canceling statement due to user request", "57014", 0), StatementTimeoutException.class),
                row("MariaDB max_statement_time 1969", new SQLTimeoutException("Query execution was interrupted (max_statement_time exceeded)", "70100", 1969), StatementTimeoutException.class),
                row("MariaDB query interrupted 1317", new SQLException("Query execution was interrupted", "70100", 1317), StatementTimeoutException.class),
                row("HikariCP pool exhausted", new SQLTransientConnectionException("contract - Connection is not available, request timed out after 250ms"), PoolExhaustedException.class));
    }

    private static Arguments row(String name, SQLException e, Class<? extends TransientStoreException> expected) {
        return Arguments.of(Named.of(name, e), expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientFailures")
    void recognisesEveryTransientFailureAsRetryableWithItsCause(SQLException failure, Class<? extends TransientStoreException> expected) {
        RuntimeException library = new RuntimeException("a library's wrapper", failure);

        StoreException translated = SqlErrorTranslator.translate("mergeUsers", library);

        assertThat(translated).as("a %s must be a %s: the caller retries it", failure.getMessage(), expected.getSimpleName())
                .isExactlyInstanceOf(expected).isInstanceOf(TransientStoreException.class).hasCause(library);
    }

    @Test
    void tellsADeadlockFromASerialisationFailureAndALockTimeout() {
        assertThat(kind(new SQLException("deadlock detected", "40P01", 0))).isEqualTo(TransactionConflictException.Kind.DEADLOCK);
        assertThat(kind(new SQLException("Deadlock found", "40001", 1213))).isEqualTo(TransactionConflictException.Kind.DEADLOCK);
        assertThat(kind(new SQLException("Deadlock detected", "40001", 40001))).isEqualTo(TransactionConflictException.Kind.DEADLOCK);
        assertThat(kind(new SQLException("could not serialize access", "40001", 0))).isEqualTo(TransactionConflictException.Kind.SERIALIZATION_FAILURE);
        assertThat(kind(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isEqualTo(TransactionConflictException.Kind.LOCK_TIMEOUT);
    }

    private static TransactionConflictException.Kind kind(SQLException e) {
        return ((TransactionConflictException) SqlErrorTranslator.translate("x", e)).kind();
    }

    @Test
    void aDriversOwnTransientConnectionFailureWithAStateIsALostConnectionNotAnExhaustedPool() {
        SQLException driver = new SQLTransientConnectionException("connect timed out", "08001");

        assertThat(SqlErrorTranslator.translate("count", driver)).isExactlyInstanceOf(ConnectionLostException.class);
    }

    @Test
    void domainFailuresAreNeverTransient() {
        SQLException duplicate = new SQLException("duplicate key value violates unique constraint \"users_email_uk\"", "23505", 0);

        assertThat(SqlErrorTranslator.translate("create", duplicate)).isNotInstanceOf(TransientStoreException.class);
    }
}
