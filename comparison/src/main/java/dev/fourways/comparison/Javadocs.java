package dev.fourways.comparison;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Javadoc text (inline tags, a little HTML) into one line of Markdown. */
final class Javadocs {

    private static final Pattern INLINE = Pattern.compile("\\{@(?:link|linkplain|code|value|literal)\\s+([^}]*)}");

    private Javadocs() {
    }

    /**
     * @param javadoc a Javadoc description or tag content
     * @return one line: {@code {@code x}} and {@code {@link x}} as code spans (a link's target
     *         without its leading {@code #}), paragraphs and tags removed, whitespace collapsed
     */
    static String markdown(String javadoc) {
        Matcher m = INLINE.matcher(javadoc);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String target = m.group(1).trim();
            if (target.startsWith("#")) {
                target = target.substring(1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement("`" + target + "`"));
        }
        m.appendTail(out);
        return out.toString()
                .replaceAll("(?s)<table>.*?</table>", "(see the table in UserStore's Javadoc)")
                .replaceAll("</?(p|ul|li|h2|em|i|b)>", " ")
                .replaceAll("\\s+", " ")
                .trim();
    }
}
