package dev.fourways.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading and writing the run folder's JSON files ({@code results.json}, {@code statements.json},
 * {@code environment.json}, the {@code .jsonl} files) with Jackson. Numbers keep their kind: an
 * integer is written as an integer and read back as an {@code Integer} or {@code Long}, a
 * fraction as a {@code Double}. Old run folders, whose integers were written as {@code 12.0}, read
 * back as {@code Double}; readers take any {@link Number}.
 */
final class JsonFiles {

    /** One mapper for the whole run: thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonFiles() {
    }

    /** Parses {@code text} into maps, lists, strings, numbers, booleans and nulls. */
    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a file as a tree, for copying JMH's results without reinterpreting them. */
    static JsonNode tree(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " as JSON", e);
        }
    }

    /** {@code value} as indented JSON. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + value, e);
        }
    }

    /** {@code value} as JSON on one line, for a {@code .jsonl} file or a page's script. */
    static String line(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + value, e);
        }
    }

    /** Writes {@code value} as indented UTF-8 JSON into {@code file}. */
    static void writeFile(Path file, Object value) throws IOException {
        Files.writeString(file, write(value) + "\n", StandardCharsets.UTF_8);
    }
}
