package dev.fourways.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's console output, shown as usual and also kept in {@code jmh.log} (the report reads the
 * warm-up iterations from it, and a failed trial's reason is there). Before each benchmark it adds
 * a line saying which one of how many it is, next to JMH's own "Run progress ... ETA".
 */
final class ConsoleLog extends OutputStream {

    private final PrintStream console;
    private final OutputStream file;
    /** The bytes of the current line: decoded as UTF-8 once whole, so ± and ≈ survive. */
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private final int total;
    private int started;

    private ConsoleLog(PrintStream console, OutputStream file, int total) {
        this.console = console;
        this.file = file;
        this.total = total;
    }

    /** A JMH output format writing to the console and appending to {@code log}. */
    static OutputFormat open(Path log, int benchmarks) throws IOException {
        return OutputFormatFactory.createFormatInstance(stream(log, benchmarks, 0), VerboseMode.NORMAL);
    }

    /**
     * A stream to the console and {@code log}, for output copied from a child JVM.
     *
     * @param alreadyStarted benchmarks counted by earlier streams, so the count runs on across children
     */
    static PrintStream stream(Path log, int benchmarks, int alreadyStarted) throws IOException {
        ConsoleLog tee = new ConsoleLog(System.out, new FileOutputStream(log.toFile(), true), benchmarks);
        tee.started = alreadyStarted;
        return new PrintStream(tee, true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.startsWith("# Benchmark: ")) {
                emit("# fourways: benchmark " + (++started) + " of " + total + "\n");
            }
            emit(text + "\n");
        } else {
            line.write(b);
        }
    }

    @Override
    public void flush() throws IOException {
        console.flush();
        file.flush();
    }

    private void emit(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        console.write(bytes);
        file.write(bytes);
    }
}
