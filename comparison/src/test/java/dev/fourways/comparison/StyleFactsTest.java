package dev.fourways.comparison;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines of code are counted the same way for Java, XML and properties. */
class StyleFactsTest {

    @Test
    void blankAndCommentOnlyLinesDoNotCount(@TempDir Path dir) throws Exception {
        Path java = Files.writeString(dir.resolve("A.java"), """
                /**
                 * doc
                 */
                class A { // trailing comment counts: the line has code
                    // only a comment

                    int x; /* inline */
                    /* one-line block */
                }
                """);
        Path xml = Files.writeString(dir.resolve("a.xml"), """
                <!-- a
                  comment -->
                <mapper>
                  <!-- one line -->
                </mapper>
                """);
        Path properties = Files.writeString(dir.resolve("a.properties"), "# c\n\nkey=value\n");
        assertThat(StyleFacts.codeLines(java)).isEqualTo(3);
        assertThat(StyleFacts.codeLines(xml)).isEqualTo(2);
        assertThat(StyleFacts.codeLines(properties)).isEqualTo(1);
    }
}
