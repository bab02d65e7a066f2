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
 * The module README's own words on an operation's cost: a sentence that names the operation in
 * backticks and speaks of what it sends or what it costs, with a link to the section it comes from.
 * Nothing is written by hand, and nothing is shown that does not answer "why does it cost that":
 * when no sentence of the README qualifies, the page says that the README does not explain it.
 *
 * <p>A sentence qualifies when it
 * <ul>
 *   <li>names the operation in backticks, and at most one other contract operation (a sentence
 *       listing many operations is about something they share, not about this one's cost);</li>
 *   <li>uses a word of cost or of the SQL sent ({@link #COST_WORDS}: round trips, statements,
 *       batches, joins, snapshots, µs, allocation, ...), as a whole word;</li>
 *   <li>is not about the measurement's precision ({@link #CAVEAT_WORDS}: a wide interval says
 *       how sure a figure is, not why it is what it is);</li>
 *   <li>is not in the README's "Key files" table, which says where code is, not what it costs.</li>
 * </ul>
 * Prose is preferred to a table row, and within each a sentence under a measured heading
 * ("Measured", "cost", "Speed") to one elsewhere.
 */
final class ReadmeReasons {

    /** The longest sentence shown; a longer one is cut with an ellipsis and the link leads on. */
    private static final int MAX = 320;

    /**
     * Words that make a sentence about what an operation sends or costs, as whole words (so that
     * {@code StringJoiner} is not a join, nor {@code PreparedBatch} a batch), case-insensitive.
     */
    static final java.util.regex.Pattern COST_WORDS = java.util.regex.Pattern.compile(
            "\\b(round trips?|statements?|batch(es)?|joins?|joined|snapshots?|explain|index(es)?|costs?|faster|slower"
                    + "|overhead|per call|per row|allocat\\w*)\\b|N\\+1|µs|B/op",
            java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE);

    /** Words (lower case) of a sentence about how precise a measurement is, not about a cost. */
    static final List<String> CAVEAT_WORDS = List.of("intervals were wider", "cannot tell", "informal check");

    /**
     * A sentence and where it is.
     *
     * @param sentence the README's sentence, Markdown kept
     * @param link     the README and section anchor, relative to {@code docs/comparison/}
     */
    record Reason(String sentence, String link) {
    }

    private record Candidate(Reason reason, boolean measured, boolean tableRow) {
    }

    private ReadmeReasons() {
    }

    /**
     * @param root       the repository's root
     * @param style      the style whose module README is read (none for jdbc, the reference)
     * @param operation  the operation's name
     * @param operations every contract operation's name, to tell a sentence about one operation from a list
     * @return the best qualifying sentence, or empty when the README has none
     */
    static Optional<Reason> of(Path root, Style style, String operation, List<String> operations) {
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
        List<Candidate> candidates = candidates(lines, style, operation, operations);
        return candidates.stream()
                .sorted(java.util.Comparator.comparing((Candidate c) -> c.tableRow()).thenComparing(c -> !c.measured()))
                .map(Candidate::reason)
                .findFirst();
    }

    private static List<Candidate> candidates(List<String> lines, Style style, String operation, List<String> operations) {
        String needle = "`" + operation + "`";
        List<Candidate> out = new ArrayList<>();
        String heading = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
                continue;
            }
            String h = heading.toLowerCase(Locale.ROOT);
            if (!line.contains(needle) || h.contains("key files")) {
                continue;
            }
            boolean tableRow = line.startsWith("|");
            String paragraph = tableRow ? line.replaceAll("\\s*\\|\\s*", " | ").replaceAll("^ \\| | \\| $", "")
                    : paragraph(lines, i);
            String sentence = sentence(paragraph, needle);
            if (qualifies(sentence, operation, operations)) {
                boolean measured = h.contains("measured") || h.contains("cost") || h.contains("speed");
                out.add(new Candidate(new Reason(shorten(sentence), "../../" + style.module() + "/README.md#" + anchor(heading)),
                        measured, tableRow));
            }
        }
        return out;
    }

    /** The rules of the class comment, on one sentence. */
    static boolean qualifies(String sentence, String operation, List<String> operations) {
        String lower = sentence.toLowerCase(Locale.ROOT);
        long others = operations.stream().filter(o -> !o.equals(operation) && sentence.contains("`" + o + "`")).count();
        return sentence.contains("`" + operation + "`") && others <= 1
                && COST_WORDS.matcher(sentence).find()
                && CAVEAT_WORDS.stream().noneMatch(lower::contains);
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
        return s.replaceFirst("^[-*] ", "");
    }

    private static String shorten(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX).replaceFirst("\\s+\\S*$", "") + " …";
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
