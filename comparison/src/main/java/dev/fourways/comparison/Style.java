package dev.fourways.comparison;

import java.nio.file.Path;
import java.util.List;

/**
 * One data-access style as the pages show it: the provider name it is opened by
 * ({@code UserStoreProviders.byName}), the Maven module that holds it, and where its store's
 * source lives. The list is the project's five stores, jdbc first (the floor every page compares
 * against); the operations, by contrast, are never listed here but read from {@code UserStore}.
 *
 * @param name       the provider name ({@code jdbc}, {@code hibernate}, ...)
 * @param library    the library, as the root README names it
 * @param module     the module directory under the repository's root
 * @param storeClass the store's source file, relative to the module's {@code src/main/java}
 * @param mainOnly   for {@code common}: only these packages of the module count as the style's
 *                   code in the index (the module also holds the contract and the domain)
 */
public record Style(String name, String library, String module, String storeClass, List<String> mainOnly) {

    /** The five styles, jdbc first, then in the root README's order. */
    public static final List<Style> ALL = List.of(
            new Style("jdbc", "plain JDBC", "common", "dev/fourways/jdbc/JdbcUserStore.java",
                    List.of("dev/fourways/jdbc")),
            new Style("hibernate", "Hibernate ORM 7", "declarative-orm",
                    "dev/fourways/declarative/HibernateUserStore.java", List.of()),
            new Style("mybatis", "MyBatis 3.5", "mapper-xml", "dev/fourways/mapperxml/MyBatisUserStore.java", List.of()),
            new Style("jdbi", "Jdbi 3", "manual-mapping", "dev/fourways/manual/JdbiUserStore.java", List.of()),
            new Style("jooq", "jOOQ 3.19", "sql-layer", "dev/fourways/sqllayer/JooqUserStore.java", List.of()));

    /** @return the module's {@code src/main/java} under {@code root} */
    public Path mainJava(Path root) {
        return root.resolve(module).resolve("src/main/java");
    }

    /** @return the store's source file under {@code root} */
    public Path storeSource(Path root) {
        return mainJava(root).resolve(storeClass);
    }

    /** @return the directory of the store's package under {@code root} */
    public Path packageDir(Path root) {
        return storeSource(root).getParent();
    }

    /** @return the style by provider name */
    public static Style byName(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no style named " + name));
    }
}
