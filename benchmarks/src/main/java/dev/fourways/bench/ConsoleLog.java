package dev.fourways.bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * JMH's console output, shown (on {@code echo}) and also kept in {@code jmh.log}, where a failed
 * trial's reason (the fairness check, an exception) can be read afterwards.
 *
 * <p>JMH writes text through a UTF-8 {@link PrintStream} over this stream, and copies a forked
 * JVM's output as raw UTF-8 bytes. Both are decoded here as UTF-8, keeping a character whose bytes
 * arrive in two writes whole, and passed on as <em>characters</em>: the log is written in UTF-8,
 * the echo through its own {@code print(String)}, which encodes for its own destination. Copying
 * single bytes to a stream that decodes each one on its own (Surefire's, a console in another
 * charset) is what turned ± into {@code ??} and ≈ into {@code ???}.
 *
 * <p>Text is passed on a line at a time, through a {@link RepeatFilter} (JMH's banners once, not
 * once per run). The progress lines come from JMH's typed callbacks ({@link ProgressFormat}), not
 * from this text.
 */
final class ConsoleLog extends OutputStream {

    private final PrintStream echo;
    private final Writer file;
    private final RepeatFilter filter;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(8192);
    private final StringBuilder line = new StringBuilder();

    private ConsoleLog(PrintStream echo, Writer file, RepeatFilter filter) {
        this.echo = echo;
        this.file = file;
        this.filter = filter;
    }

    /**
     * A UTF-8 stream to {@code echo} and appending to {@code log}.
     *
     * @param echo   the console, or a sink for a quiet run
     * @param log    {@code jmh.log}, appended to
     * @param filter shared by every stream of one comparison, so a banner shows once in all
     */
    static PrintStream stream(PrintStream echo, Path log, RepeatFilter filter) throws IOException {
        Writer file = new OutputStreamWriter(new FileOutputStream(log.toFile(), true), StandardCharsets.UTF_8);
        return new PrintStream(new ConsoleLog(echo, file, filter), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (pending.remaining() < len) {
            ByteBuffer bigger = ByteBuffer.allocate(pending.position() + len + 8192);
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        pending.put(b, off, len);
        pending.flip();
        CharBuffer chars = CharBuffer.allocate(pending.remaining() + 1);
        // endOfInput false: an incomplete sequence at the end stays in pending for the next write.
        decoder.decode(pending, chars, false);
        pending.compact();
        chars.flip();
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            line.append(c);
            if (c == '\n') {
                emit();
            }
        }
    }

    private void emit() throws IOException {
        String text = line.toString();
        line.setLength(0);
        if (filter.shows(text.stripTrailing())) {
            echo.print(text);
            echo.flush();
            file.write(text);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        file.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        if (line.length() > 0) {
            line.append(System.lineSeparator());
            emit();
        }
        file.close();
    }
}
