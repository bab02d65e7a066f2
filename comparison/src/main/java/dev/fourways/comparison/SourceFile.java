package dev.fourways.comparison;

import com.github.javaparser.Range;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.comments.Comment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed Java source and its text, so that a declaration can be shown exactly as written
 * (comments, blank lines, line breaks), with its Javadoc, rather than as JavaParser prints it.
 *
 * @param path  relative to the repository's root, for the page's caption
 * @param unit  the parsed file
 * @param lines the file's lines
 */
record SourceFile(String path, CompilationUnit unit, List<String> lines) {

    static SourceFile read(Path root, Path file) {
        try {
            String text = Files.readString(file);
            return new SourceFile(root.relativize(file).toString().replace('\\', '/'),
                    ContractReader.parse(file), Arrays.asList(text.split("\n", -1)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** @return the declaration's lines, from its Javadoc or comment (if any) to its last line, dedented */
    String text(Node node) {
        Range range = node.getRange().orElseThrow();
        int first = node.getComment().flatMap(Comment::getRange).map(r -> r.begin.line).orElse(range.begin.line);
        return dedent(lines.subList(first - 1, range.end.line));
    }

    static String dedent(List<String> block) {
        int indent = block.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : block) {
            out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString().stripTrailing();
    }
}
