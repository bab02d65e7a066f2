package dev.fourways.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * JMH's console output, shown as usual and also kept in {@code jmh.log}, where a failed trial's
 * reason (the fairness check, an exception) can be read afterwards. A plain copy of the bytes: the
 * progress lines and the warm-up evidence come from JMH's typed callbacks ({@link ProgressFormat}),
 * not from this text.
 */
final class ConsoleLog extends OutputStream {

    private final PrintStream console;
    private final OutputStream file;

    private ConsoleLog(PrintStream console, OutputStream file) {
        this.console = console;
        this.file = file;
    }

    /** A UTF-8 stream (± and ≈ survive) to the console and appending to {@code log}. */
    static PrintStream stream(Path log) throws IOException {
        return new PrintStream(new ConsoleLog(System.out, new FileOutputStream(log.toFile(), true)), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) throws IOException {
        console.write(b);
        file.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        console.write(b, off, len);
        file.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        console.flush();
        file.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        file.close();
    }
}
