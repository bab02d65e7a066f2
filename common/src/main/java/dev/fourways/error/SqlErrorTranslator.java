package dev.fourways.error;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * Maps a {@link SQLException} from H2, PostgreSQL or MariaDB to the contract's exceptions.
 * Every style unwraps its library's exception to the {@code SQLException} and calls
 * {@link #translate}, so all styles raise the same exception for the same failure.
 *
 * <p>What it reads, per database (sources: the H2 {@code ErrorCode} Javadoc, PostgreSQL's
 * "Appendix A. Error Codes", MariaDB's "MariaDB Error Codes"):
 * <table>
 *   <caption>Failures recognised</caption>
 *   <tr><th>failure</th><th>H2</th><th>PostgreSQL</th><th>MariaDB</th><th>becomes</th></tr>
 *   <tr><td>unique violation</td><td>SQLState 23505</td><td>SQLState 23505</td><td>error 1062</td>
 *       <td>{@link DuplicateUserException}, its field read from the constraint name in the message</td></tr>
 *   <tr><td>foreign key: no parent</td><td>SQLState 23506</td><td>SQLState 23503</td><td>error 1452</td>
 *       <td>{@link UserNotFoundException}</td></tr>
 *   <tr><th colspan="5">Transient failures: "retry this" ({@link TransientStoreException})</th></tr>
 *   <tr><td>connection lost</td><td>error 90067 (CONNECTION_BROKEN_1), 90121 (DATABASE_CALLED_AT_SHUTDOWN),
 *       90098 (DATABASE_IS_CLOSED)</td><td>SQLState class 08 (08000, 08003, 08006...), 57P01
 *       (admin_shutdown, what {@code pg_terminate_backend} sends), 57P02, 57P03</td>
 *       <td>SQLState class 08 (the driver's 08000 "Socket error"...), error 1927 (ER_CONNECTION_KILLED),
 *       2006, 2013</td><td>{@link ConnectionLostException}</td></tr>
 *   <tr><td>deadlock</td><td>error 40001 (DEADLOCK_1)</td><td>SQLState 40P01 (deadlock_detected)</td>
 *       <td>error 1213 (ER_LOCK_DEADLOCK)</td><td>{@link TransactionConflictException}, kind DEADLOCK</td></tr>
 *   <tr><td>serialisation failure</td><td>error 90131 (CONCURRENT_UPDATE_1)</td><td>SQLState 40001
 *       (serialization_failure)</td><td>SQLState 40001 other than 1213</td>
 *       <td>{@link TransactionConflictException}, kind SERIALIZATION_FAILURE</td></tr>
 *   <tr><td>lock wait timeout</td><td>error 50200 (LOCK_TIMEOUT_1, SQLState HYT00)</td><td>SQLState 55P03
 *       (lock_not_available)</td><td>error 1205 (ER_LOCK_WAIT_TIMEOUT)</td>
 *       <td>{@link TransactionConflictException}, kind LOCK_TIMEOUT</td></tr>
 *   <tr><td>statement cancelled by its timeout</td><td>SQLState 57014 (STATEMENT_WAS_CANCELED)</td>
 *       <td>SQLState 57014 (query_canceled)</td><td>error 1969 (ER_STATEMENT_TIMEOUT, what
 *       {@code setQueryTimeout}'s {@code max_statement_time} raises), 1317 (ER_QUERY_INTERRUPTED)</td>
 *       <td>{@link StatementTimeoutException}</td></tr>
 *   <tr><td>pool exhausted</td><td colspan="3">HikariCP's {@code SQLTransientConnectionException}
 *       "Connection is not available, request timed out after N ms" (no SQLState unless the
 *       last attempt to connect failed)</td><td>{@link PoolExhaustedException}</td></tr>
 *   <tr><td>anything else</td><td colspan="3"></td><td>{@link StoreException}: "fix this"</td></tr>
 * </table>
 * Sources: H2's {@code org.h2.api.ErrorCode} Javadoc (2.x); PostgreSQL 15 documentation, "Appendix A.
 * PostgreSQL Error Codes"; MariaDB Knowledge Base, "MariaDB Error Codes"; HikariCP's
 * {@code HikariPool.createTimeoutException}. SQLState 40001 is the SQL standard's
 * "serialization failure"; H2 uses it for its deadlock, so on H2 it reads as DEADLOCK. Every
 * style's library gets here with the {@code SQLException} it wrapped, so the same fault is the
 * same exception in every style.
 * A batch failure is searched through {@link SQLException#getNextException()} and causes too.
 */
public final class SqlErrorTranslator {

    /** The unique constraint on {@code users.username}, as named by the migrations. */
    public static final String USERNAME_CONSTRAINT = "users_username_uk";
    /** The unique constraint on {@code users.email}, as named by the migrations. */
    public static final String EMAIL_CONSTRAINT = "users_email_uk";

    private SqlErrorTranslator() {
    }

    /**
     * @param operation what was being done, for the message (for example {@code "create"})
     * @param cause     the library's exception, kept as the cause (may be a {@code SQLException} itself)
     * @param sql       the {@code SQLException} the library wrapped, or null if it had none
     * @return the contract's exception for that failure, never null
     */
    public static StoreException translate(String operation, Throwable cause, SQLException sql) {
        Deque<Throwable> toVisit = new ArrayDeque<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        if (sql != null) {
            toVisit.add(sql);
        }
        while (!toVisit.isEmpty()) {
            Throwable t = toVisit.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException e) {
                StoreException known = recognise(e, cause);
                if (known != null) {
                    return known;
                }
                if (e.getNextException() != null) {
                    toVisit.add(e.getNextException());
                }
            }
            if (t.getCause() != null) {
                toVisit.add(t.getCause());
            }
        }
        return new StoreException(operation + " failed: " + (sql != null ? sql.getMessage() : String.valueOf(cause)), cause);
    }

    /**
     * Translates what a library threw: reads the first {@link SQLException} among its causes.
     *
     * @param operation what was being done, for the message
     * @param failure   the library's exception, kept as the cause
     * @return the contract's exception; a plain {@link StoreException} when no cause is recognised
     */
    public static StoreException translate(String operation, RuntimeException failure) {
        if (failure instanceof StoreException known) {
            return known;
        }
        int depth = 0; // a cause chain can be a cycle; real ones are a few links long
        for (Throwable t = failure; t != null && depth++ < 32; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return translate(operation, failure, sql);
            }
        }
        return translate(operation, failure, null);
    }

    /** Shorthand for a plain JDBC failure: the {@code SQLException} is both the cause and what is read. */
    public static StoreException translate(String operation, SQLException e) {
        return translate(operation, e, e);
    }

    private static StoreException recognise(SQLException e, Throwable cause) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        StoreException transientFailure = recogniseTransient(e, state, code, cause);
        if (transientFailure != null) {
            return transientFailure;
        }
        if (state.equals("23505") || code == 1062) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains(USERNAME_CONSTRAINT)) {
                return new DuplicateUserException(DuplicateUserException.Field.USERNAME, cause);
            }
            if (message.contains(EMAIL_CONSTRAINT)) {
                return new DuplicateUserException(DuplicateUserException.Field.EMAIL, cause);
            }
        }
        boolean h2 = state.equals("23506") && code == 23506;
        boolean postgres = state.equals("23503") && code == 0;
        if (h2 || postgres || code == 1452) {
            return new UserNotFoundException("the user does not exist: " + e.getMessage(), cause);
        }
        return null;
    }

    /** The transient rows of the table above; null when the failure is not one of them. */
    static TransientStoreException recogniseTransient(SQLException e, String state, int code, Throwable cause) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof java.sql.SQLTransientConnectionException
                && (state.isEmpty() || message.contains("Connection is not available"))) {
            return new PoolExhaustedException("no connection available from the pool in time: " + message, cause);
        }
        if (state.equals("57014") || code == 1969 || code == 1317) {
            return new StatementTimeoutException("the statement timed out and was cancelled: " + message, cause);
        }
        if (state.equals("40P01") || code == 1213 || (state.equals("40001") && code == 40001)) {
            return new TransactionConflictException(TransactionConflictException.Kind.DEADLOCK,
                    "deadlock: this transaction was rolled back; retry it: " + message, cause);
        }
        if (state.equals("40001") || code == 90131) {
            return new TransactionConflictException(TransactionConflictException.Kind.SERIALIZATION_FAILURE,
                    "serialisation failure: this transaction was rolled back; retry it: " + message, cause);
        }
        if (state.equals("55P03") || code == 1205 || code == 50200) {
            return new TransactionConflictException(TransactionConflictException.Kind.LOCK_TIMEOUT,
                    "lock wait timeout: a row lock held by another transaction was not granted in time; retry: " + message,
                    cause);
        }
        boolean h2 = code == 90067 || code == 90121 || code == 90098;
        boolean postgres = state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
        boolean mariadb = code == 1927 || code == 2006 || code == 2013;
        if (state.startsWith("08") || h2 || postgres || mariadb) {
            return new ConnectionLostException("the connection to the database was lost: " + message, cause);
        }
        return null;
    }
}
