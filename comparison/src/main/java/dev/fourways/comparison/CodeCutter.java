package dev.fourways.comparison;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.MethodReferenceExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts, by name, what a style runs for one operation out of its real sources, so a page cannot
 * drift from the code:
 * <ol>
 *   <li>the store's method that implements the operation;</li>
 *   <li>the fields and private methods of the store it uses, transitively (folded on the page);</li>
 *   <li>the mapping it relies on: the types of the store's package it names (a query interface's
 *       called methods with their {@code @HQL}, an entity's mapped fields with their annotations,
 *       a row mapper), the MyBatis statements it calls with their result maps and fragments
 *       ({@link MapperXml}), and jOOQ's generated columns it uses ({@link GeneratedColumns}).</li>
 * </ol>
 * Nothing needs markers in the stores: JavaParser finds every declaration by name.
 */
public final class CodeCutter {

    /** A class larger than this is shown by its called methods only, not whole. */
    private static final int WHOLE_CLASS_LINES = 60;

    private final Path root;

    /** @param root the repository's root */
    public CodeCutter(Path root) {
        this.root = root;
    }

    /**
     * @param style     the style
     * @param operation the operation's name
     * @return the sections, the store's method first
     * @throws IllegalStateException when the store has no method of that name (the page would be empty)
     */
    public List<CodeSection> cut(Style style, String operation) {
        SourceFile store = SourceFile.read(root, style.storeSource(root));
        TypeDeclaration<?> type = store.unit().getType(0);
        List<MethodDeclaration> methods = type.getMethodsByName(operation);
        if (methods.isEmpty()) {
            throw new IllegalStateException(store.path() + " has no method " + operation);
        }
        List<CodeSection> sections = new ArrayList<>();
        for (MethodDeclaration m : methods) {
            sections.add(new CodeSection("`" + type.getNameAsString() + "." + operation + "`", store.path(), "java",
                    store.text(m), false));
        }
        Set<BodyDeclaration<?>> used = usedMembers(type, new ArrayList<>(methods));
        List<Node> all = new ArrayList<>(methods);
        all.addAll(used);
        for (BodyDeclaration<?> member : used) {
            sections.add(new CodeSection("`" + type.getNameAsString() + "` helper: `" + memberName(member) + "`",
                    store.path(), "java", store.text(member), true));
        }
        Set<String> called = calledNames(all);
        Set<String> typesNamed = typeNames(all);
        sections.addAll(samePackageTypes(style, type.getNameAsString(), typesNamed, called));
        sections.addAll(new MapperXml(root, style).sections(typesNamed, called));
        sections.addAll(new GeneratedColumns(root, style).sections(all));
        return sections;
    }

    /** The store's own fields and non-overriding methods that {@code start} uses, transitively, in file order. */
    private static Set<BodyDeclaration<?>> usedMembers(TypeDeclaration<?> type, List<Node> start) {
        Set<BodyDeclaration<?>> found = new LinkedHashSet<>();
        List<Node> todo = new ArrayList<>(start);
        while (!todo.isEmpty()) {
            Node node = todo.remove(todo.size() - 1);
            Set<String> names = calledNames(List.of(node));
            Set<String> plain = new LinkedHashSet<>();
            node.findAll(NameExpr.class).forEach(n -> plain.add(n.getNameAsString()));
            for (MethodDeclaration m : type.getMethods()) {
                if (!m.isAnnotationPresent("Override") && names.contains(m.getNameAsString()) && found.add(m)) {
                    todo.add(m);
                }
            }
            for (FieldDeclaration f : type.getFields()) {
                boolean named = f.getVariables().stream().map(VariableDeclarator::getNameAsString).anyMatch(plain::contains);
                if (named && f.isStatic() && found.add(f)) {
                    todo.add(f);
                }
            }
        }
        return sortedByLine(found);
    }

    private static Set<BodyDeclaration<?>> sortedByLine(Set<BodyDeclaration<?>> members) {
        List<BodyDeclaration<?>> list = new ArrayList<>(members);
        list.sort((a, b) -> Integer.compare(a.getBegin().orElseThrow().line, b.getBegin().orElseThrow().line));
        return new LinkedHashSet<>(list);
    }

    /** Method calls and method references by name: what the code asks others to do. */
    static Set<String> calledNames(List<? extends Node> nodes) {
        Set<String> names = new LinkedHashSet<>();
        for (Node node : nodes) {
            node.findAll(MethodCallExpr.class).forEach(c -> names.add(c.getNameAsString()));
            node.findAll(MethodReferenceExpr.class).forEach(r -> names.add(r.getIdentifier()));
        }
        return names;
    }

    /** Simple names the code uses as types or as a static call's scope ({@code UserQueries_.x(...)}, {@code Foo.class}). */
    private static Set<String> typeNames(List<? extends Node> nodes) {
        Set<String> names = new LinkedHashSet<>();
        for (Node node : nodes) {
            node.findAll(ClassOrInterfaceType.class).forEach(t -> names.add(t.getNameAsString()));
            node.findAll(NameExpr.class).forEach(n -> names.add(n.getNameAsString()));
            node.findAll(FieldAccessExpr.class).forEach(f -> names.add(f.getScope().toString()));
        }
        // Hibernate Processor writes UserQueries_ from UserQueries: the interface is what a reader edits.
        Set<String> generatedFrom = new LinkedHashSet<>();
        names.stream().filter(n -> n.endsWith("_")).forEach(n -> generatedFrom.add(n.substring(0, n.length() - 1)));
        names.addAll(generatedFrom);
        return names;
    }

    /** The mapping types of the store's package that the code names. */
    private List<CodeSection> samePackageTypes(Style style, String storeType, Set<String> typesNamed, Set<String> called) {
        List<CodeSection> sections = new ArrayList<>();
        for (String name : typesNamed) {
            Path file = style.packageDir(root).resolve(name + ".java");
            if (name.equals(storeType) || !Files.isRegularFile(file)) {
                continue;
            }
            SourceFile source = SourceFile.read(root, file);
            TypeDeclaration<?> type = source.unit().getType(0);
            boolean isInterface = type instanceof ClassOrInterfaceDeclaration c && c.isInterface();
            boolean isEntity = type.isAnnotationPresent("Entity");
            int lines = type.getEnd().orElseThrow().line - type.getBegin().orElseThrow().line + 1;
            if (isEntity) {
                sections.add(new CodeSection("the entity `" + name + "`: its mapped fields", source.path(), "java",
                        entityFields(source, type), false));
            } else if (isInterface || lines > WHOLE_CLASS_LINES) {
                for (MethodDeclaration m : type.getMethods()) {
                    if (called.contains(m.getNameAsString())) {
                        sections.add(new CodeSection("`" + name + "." + m.getNameAsString() + "`", source.path(), "java",
                                constantsOfAnnotations(style, source, type, m) + source.text(m), false));
                    }
                }
            } else {
                sections.add(new CodeSection("`" + name + "`", source.path(), "java", source.text(type), false));
            }
        }
        return sections;
    }

    /**
     * The constants a method's annotations name ({@code @HQL(BY_USERNAME)}, or
     * {@code @HQL(UserQueries.BY_USERNAME)} from another type of the package), each declaration on
     * its own lines, so the page shows the query and not only its name; empty when there are none.
     */
    private String constantsOfAnnotations(Style style, SourceFile source, TypeDeclaration<?> type, MethodDeclaration m) {
        StringBuilder out = new StringBuilder();
        for (com.github.javaparser.ast.expr.AnnotationExpr a : m.getAnnotations()) {
            a.findAll(NameExpr.class).forEach(n -> constant(source, type, n.getNameAsString()).ifPresent(out::append));
            a.findAll(FieldAccessExpr.class).forEach(f -> {
                Path other = style.packageDir(root).resolve(f.getScope().toString() + ".java");
                if (Files.isRegularFile(other)) {
                    SourceFile otherSource = SourceFile.read(root, other);
                    constant(otherSource, otherSource.unit().getType(0), f.getNameAsString()).ifPresent(out::append);
                }
            });
        }
        return out.toString();
    }

    private static java.util.Optional<String> constant(SourceFile source, TypeDeclaration<?> type, String name) {
        return type.getFields().stream()
                .filter(f -> f.getVariables().stream().anyMatch(v -> v.getNameAsString().equals(name)))
                .findFirst().map(f -> source.text(f) + "\n\n");
    }

    /** An entity's class annotations and the fields that carry a mapping annotation, with their comments. */
    private static String entityFields(SourceFile source, TypeDeclaration<?> type) {
        StringBuilder out = new StringBuilder();
        type.getAnnotations().forEach(a -> out.append(source.text(a)).append('\n'));
        out.append("public class ").append(type.getNameAsString()).append(" {\n");
        for (FieldDeclaration field : type.getFields()) {
            if (!field.isStatic() && !field.getAnnotations().isEmpty()) {
                out.append('\n').append(source.text(field).indent(4));
            }
        }
        return out.append("\n    // constructors and accessors omitted\n}").toString();
    }

    private static String memberName(BodyDeclaration<?> member) {
        if (member instanceof MethodDeclaration m) {
            return m.getNameAsString();
        }
        return ((FieldDeclaration) member).getVariable(0).getNameAsString();
    }
}
