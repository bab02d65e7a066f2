package dev.fourways.comparison;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The MyBatis mapper XML a store's code uses: for every mapper file of the store's package whose
 * namespace (its mapper interface) the code names, the statements ({@code select}, {@code insert},
 * {@code update}, {@code delete}) whose id the code calls, the {@code <sql>} fragments they
 * include and the {@code <resultMap>}s they use (with the maps those extend or nest), followed
 * across files. The JDK's DOM finds the references; the cut itself is the file's own text, so the
 * comments that explain a result map come along.
 */
final class MapperXml {

    private static final Pattern ID = Pattern.compile("\\s");

    private final Path root;
    private final Style style;

    MapperXml(Path root, Style style) {
        this.root = root;
        this.style = style;
    }

    /** One mapper file: its text, its DOM and its namespace. */
    private record Mapper(String path, String text, Document dom, String namespace) {

        String simpleName() {
            return namespace.substring(namespace.lastIndexOf('.') + 1);
        }
    }

    List<CodeSection> sections(Set<String> typesNamed, Set<String> called) {
        List<Mapper> mappers = mappers();
        if (mappers.isEmpty()) {
            return List.of();
        }
        // Elements to show, as "namespace#id", in the order found; statements first.
        Set<String> wanted = new LinkedHashSet<>();
        for (Mapper m : mappers) {
            if (typesNamed.contains(m.simpleName())) {
                for (String tag : List.of("select", "insert", "update", "delete")) {
                    NodeList list = m.dom().getElementsByTagName(tag);
                    for (int i = 0; i < list.getLength(); i++) {
                        String id = ((Element) list.item(i)).getAttribute("id");
                        if (called.contains(id)) {
                            wanted.add(m.namespace() + "#" + id);
                        }
                    }
                }
            }
        }
        List<String> queue = new ArrayList<>(wanted);
        for (int i = 0; i < queue.size(); i++) {
            String key = queue.get(i);
            Mapper m = byNamespace(mappers, key.substring(0, key.indexOf('#')));
            for (Element e : elements(m, key.substring(key.indexOf('#') + 1))) {
                for (String ref : references(e)) {
                    String full = ref.contains(".") ? ref.substring(0, ref.lastIndexOf('.')) + "#" + ref.substring(ref.lastIndexOf('.') + 1)
                            : m.namespace() + "#" + ref;
                    if (wanted.add(full)) {
                        queue.add(full);
                    }
                }
            }
        }
        List<CodeSection> sections = new ArrayList<>();
        for (String key : wanted) {
            Mapper m = byNamespace(mappers, key.substring(0, key.indexOf('#')));
            String id = key.substring(key.indexOf('#') + 1);
            String text = cut(m.text(), id);
            if (text != null) {
                sections.add(new CodeSection("`" + Path.of(m.path()).getFileName() + "`: `" + id + "`", m.path(), "xml",
                        text, false));
            }
        }
        return sections;
    }

    /** The result maps and fragments an element refers to. */
    private static Set<String> references(Element element) {
        Set<String> refs = new LinkedHashSet<>();
        for (String attribute : List.of("resultMap", "extends", "refid")) {
            addRef(refs, element.getAttribute(attribute));
        }
        NodeList children = element.getElementsByTagName("*");
        for (int i = 0; i < children.getLength(); i++) {
            Element child = (Element) children.item(i);
            addRef(refs, child.getAttribute("resultMap"));
            addRef(refs, child.getAttribute("refid"));
        }
        return refs;
    }

    private static void addRef(Set<String> refs, String value) {
        if (!value.isEmpty() && !ID.matcher(value).find()) {
            refs.add(value);
        }
    }

    private static List<Element> elements(Mapper m, String id) {
        List<Element> found = new ArrayList<>();
        NodeList all = m.dom().getDocumentElement().getChildNodes();
        for (int i = 0; i < all.getLength(); i++) {
            if (all.item(i) instanceof Element e && e.getAttribute("id").equals(id)) {
                found.add(e);
            }
        }
        return found;
    }

    /**
     * Every top-level element with that id, from the file's text (all of them: a statement may
     * have one variant per {@code databaseId}), each with the XML comment just above it.
     */
    private static String cut(String text, String id) {
        Pattern element = Pattern.compile("(?s)(?:<!--(?:(?!-->).)*-->\\s*)?<(select|insert|update|delete|sql|resultMap)\\s+id=\""
                + Pattern.quote(id) + "\"[^>]*?(?:/>|>.*?</\\1>)");
        Matcher m = element.matcher(text);
        List<String> parts = new ArrayList<>();
        while (m.find()) {
            int lineStart = text.lastIndexOf('\n', m.start()) + 1;
            parts.add(SourceFile.dedent(List.of(text.substring(lineStart, m.end()).split("\n", -1))));
        }
        return parts.isEmpty() ? null : String.join("\n", parts);
    }

    private static Mapper byNamespace(List<Mapper> mappers, String namespace) {
        return mappers.stream().filter(m -> m.namespace().equals(namespace)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no mapper XML with namespace " + namespace));
    }

    private List<Mapper> mappers() {
        Path resources = root.resolve(style.module()).resolve("src/main/resources");
        if (!Files.isDirectory(resources)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(resources)) {
            List<Mapper> mappers = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                String text = Files.readString(file);
                if (text.contains("<mapper")) {
                    Document dom = parse(file);
                    mappers.add(new Mapper(root.relativize(file).toString().replace('\\', '/'), text, dom,
                            dom.getDocumentElement().getAttribute("namespace")));
                }
            }
            return mappers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses without fetching the DTD: the pages must build offline. */
    private static Document parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setValidating(false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + file, e);
        }
    }
}
