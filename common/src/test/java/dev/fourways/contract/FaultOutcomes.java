package dev.fourways.contract;

import dev.fourways.error.TransactionConflictException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.TestReporter;

/**
 * The fault table of one style on one database: for each fault a test injected, the exception the
 * caller saw, whether anything was half written, and how long the store took to serve the next
 * call, in milliseconds.
 *
 * <p>Each {@link Outcome} is published through JUnit's {@link TestReporter} (key
 * {@value #REPORT_KEY}) and appended as one JSON line to
 * {@code target/fault-outcomes/<style>-<database>.jsonl}, relative to the working directory: the
 * module's directory under Maven, so the file lands in the module's {@code target/}.
 * {@link #startFresh} deletes that file when the suite opens its store, so lines of an earlier run
 * never mix with this run's.
 */
public final class FaultOutcomes {

    /** The key under which each outcome is published through {@link TestReporter}. */
    public static final String REPORT_KEY = "fault outcome";

    /** The folder of the JSON-lines files, relative to the working directory. */
    public static final Path FOLDER = Path.of("target", "fault-outcomes");

    /**
     * One row of the fault table.
     *
     * @param fault       what the test did to the store: {@code poolExhausted}, {@code connectionKilled}, ...
     * @param operation   the {@code UserStore} operation that met the fault
     * @param style       the provider's name: jdbc, hibernate, mybatis, jdbi, jooq
     * @param database    h2, postgresql or mariadb
     * @param exception   the simple class name of what the caller saw, {@code none} when the call succeeded
     * @param kind        the translated kind the exception carries (a {@link TransactionConflictException}'s),
     *                    else null
     * @param halfWritten false when the test checked with plain JDBC that nothing of the failed call
     *                    was written; null when the test makes no such check (a read, or a test that
     *                    checks only the exception)
     * @param nextCallMs  milliseconds of wall time ({@link System#nanoTime()}) from the failed call's
     *                    return to the return of the next call that succeeded, including the checks
     *                    the test makes in between
     */
    public record Outcome(String fault, String operation, String style, String database, String exception,
                          String kind, Boolean halfWritten, long nextCallMs) {

        /** @return this outcome as one line of JSON, without a line break */
        public String toJson() {
            return "{\"fault\":" + quoted(fault) + ",\"operation\":" + quoted(operation)
                    + ",\"style\":" + quoted(style) + ",\"database\":" + quoted(database)
                    + ",\"exception\":" + quoted(exception) + ",\"kind\":" + quoted(kind)
                    + ",\"halfWritten\":" + halfWritten + ",\"nextCallMs\":" + nextCallMs + "}";
        }
    }

    private final String style;
    private final String database;
    private final Path file;

    private FaultOutcomes(String style, String database) {
        this.style = style;
        this.database = database;
        this.file = FOLDER.resolve(style + "-" + database + ".jsonl");
    }

    /**
     * The table of one style on one database, its file deleted: called once per run, when the
     * suite opens its store.
     */
    public static FaultOutcomes startFresh(String style, String database) {
        FaultOutcomes outcomes = new FaultOutcomes(style, database);
        try {
            Files.createDirectories(FOLDER);
            Files.deleteIfExists(outcomes.file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return outcomes;
    }

    /** @return where the outcomes go: {@code target/fault-outcomes/<style>-<database>.jsonl} */
    public Path file() {
        return file;
    }

    /** @return whole milliseconds since {@code startedNanos}, a {@link System#nanoTime()} value */
    public static long millisSince(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }

    /**
     * Publishes and appends one outcome; call it only after the test's own assertions passed.
     *
     * @param failure     what the failed call threw; null when the call succeeded despite the fault
     * @param halfWritten see {@link Outcome#halfWritten()}
     * @param nextCallMs  see {@link Outcome#nextCallMs()}
     * @return the outcome recorded
     */
    public Outcome record(TestReporter reporter, String fault, String operation, Throwable failure,
                          Boolean halfWritten, long nextCallMs) {
        Outcome outcome = new Outcome(fault, operation, style, database, exceptionName(failure), kindOf(failure),
                halfWritten, nextCallMs);
        reporter.publishEntry(REPORT_KEY, outcome.toJson());
        append(outcome.toJson() + "\n");
        return outcome;
    }

    private static String exceptionName(Throwable failure) {
        return failure == null ? "none" : failure.getClass().getSimpleName();
    }

    // Only the conflict carries a kind today; the others say all with their class.
    private static String kindOf(Throwable failure) {
        return failure instanceof TransactionConflictException conflict ? conflict.kind().name() : null;
    }

    // Synchronised, so that lines never interleave should a test record from its worker threads.
    private synchronized void append(String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON string (or {@code null}), escaped as RFC 8259 requires. */
    static String quoted(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> json.append(c < 0x20 ? "\\u%04x".formatted((int) c) : String.valueOf(c));
            }
        }
        return json.append('"').toString();
    }
}
