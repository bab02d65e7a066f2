package dev.fourways.comparison;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.javadoc.Javadoc;
import com.github.javaparser.javadoc.JavadocBlockTag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the operations of {@code UserStore} from its source with JavaParser, in declaration order:
 * every abstract method but {@code close()}. Nothing lists the operations by hand, so an operation
 * added to the interface gets its page the next time the pages are generated.
 */
public final class ContractReader {

    /** Where the contract lives, relative to the repository's root. */
    public static final String USER_STORE = "common/src/main/java/dev/fourways/UserStore.java";

    private ContractReader() {
    }

    /**
     * @param root the repository's root
     * @return the operations, in the order the interface declares them
     * @throws UncheckedIOException when the interface cannot be read
     */
    public static List<Operation> operations(Path root) {
        CompilationUnit unit = parse(root.resolve(USER_STORE));
        ClassOrInterfaceDeclaration store = unit.getInterfaceByName("UserStore")
                .orElseThrow(() -> new IllegalStateException(USER_STORE + " declares no interface UserStore"));
        return store.getMethods().stream()
                .filter(m -> !m.isDefault() && !m.isStatic() && !m.getNameAsString().equals("close"))
                .map(ContractReader::operation)
                .toList();
    }

    private static Operation operation(MethodDeclaration method) {
        String signature = method.getTypeAsString() + " " + method.getNameAsString() + "("
                + String.join(", ", method.getParameters().stream().map(p -> p.getTypeAsString() + " " + p.getNameAsString()).toList())
                + ")";
        String contract = method.getJavadoc().map(ContractReader::paragraph).orElse("(no Javadoc)");
        return new Operation(method.getNameAsString(), signature, contract);
    }

    /** The Javadoc as one Markdown paragraph: the description, then the tags as short sentences. */
    private static String paragraph(Javadoc javadoc) {
        StringBuilder text = new StringBuilder(Javadocs.markdown(javadoc.getDescription().toText()));
        for (JavadocBlockTag tag : javadoc.getBlockTags()) {
            String content = Javadocs.markdown(tag.getContent().toText());
            switch (tag.getType()) {
                case PARAM -> text.append(" *Parameter* `").append(tag.getName().orElse("")).append("`: ").append(content);
                case RETURN -> text.append(" *Returns* ").append(content);
                case THROWS, EXCEPTION -> text.append(" *Throws* `").append(tag.getName().orElse("")).append("` ").append(content);
                default -> text.append(" ").append(content);
            }
            if (!text.toString().endsWith(".")) {
                text.append('.');
            }
        }
        return text.toString().trim();
    }

    static CompilationUnit parse(Path source) {
        try {
            // The project's level: text blocks, switch expressions, records, pattern matching.
            return new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17))
                    .parse(source).getResult().orElseThrow(() -> new IllegalStateException("cannot parse " + source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }
}
