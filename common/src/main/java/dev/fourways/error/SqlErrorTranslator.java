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
 *   <tr><td>anything else</td><td colspan="3"></td><td>{@link StoreException}</td></tr>
 * </table>
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

}
