package dev.fourways.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The module README's own words on an operation's cost: the first sentence that names the
 * operation in backticks, preferring the README's measured sections ("Measured", "cost",
 * "Speed"), with a link to the section it comes from. Nothing is written by hand: when a README
 * says nothing about an operation, the page says so.
 */
final class ReadmeReasons {

    /** The longest sentence shown; a longer one is cut with an ellipsis and the link leads on. */
    private static final int MAX = 320;

    /**
     * A sentence and where it is.
     *
     * @param sentence the README's sentence, Markdown kept
     * @param link     the README and section anchor, relative to {@code docs/comparison/}
     */
    record Reason(String sentence, String link) {
    }

    private ReadmeReasons() {
    }

    static Optional<Reason> of(Path root, Style style, String operation) {
        Path readme = root.resolve(style.module()).resolve("README.md");
        if (style.name().equals("jdbc") || !Files.isRegularFile(readme)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String needle = "`" + operation + "`";
        Optional<Reason> measured = find(lines, style, needle, true);
        return measured.isPresent() ? measured : find(lines, style, needle, false);
    }

    private static Optional<Reason> find(List<String> lines, Style style, String needle, boolean measuredOnly) {
        String heading = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
                continue;
            }
            String h = heading.toLowerCase(Locale.ROOT);
            boolean measured = h.contains("measured") || h.contains("cost") || h.contains("speed");
            if (!line.contains(needle) || (measuredOnly && !measured) || h.contains("key files")) {
                continue;
            }
            String paragraph = line.startsWith("|") ? line.replaceAll("\\s*\\|\\s*", " | ").replaceAll("^ \\| | \\| $", "")
                    : paragraph(lines, i);
            String sentence = sentence(paragraph, needle);
            return Optional.of(new Reason(sentence, "../../" + style.module() + "/README.md#" + anchor(heading)));
        }
        return Optional.empty();
    }

    private static String paragraph(List<String> lines, int at) {
        int start = at;
        while (start > 0 && !lines.get(start - 1).isBlank() && !lines.get(start - 1).startsWith("#")) {
            start--;
        }
        List<String> out = new ArrayList<>();
        for (int i = start; i < lines.size() && !lines.get(i).isBlank(); i++) {
            out.add(lines.get(i).strip());
        }
        return String.join(" ", out);
    }

    private static String sentence(String paragraph, String needle) {
        int at = paragraph.indexOf(needle);
        int start = Math.max(paragraph.lastIndexOf(". ", at) + 2, 0);
        int end = paragraph.indexOf(". ", at);
        String s = paragraph.substring(start == 1 ? 0 : start, end < 0 ? paragraph.length() : end + 1).strip();
        s = s.replaceFirst("^[-*] ", "");
        return s.length() <= MAX ? s : s.substring(0, MAX).replaceFirst("\\s+\\S*$", "") + " …";
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
