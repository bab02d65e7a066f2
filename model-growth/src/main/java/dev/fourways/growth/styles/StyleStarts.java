package dev.fourways.growth.styles;

import java.util.List;

/** The five styles, in the report's order: the floor first. */
public final class StyleStarts {

    private StyleStarts() {
    }

    public static List<StyleStart> all() {
        return List.of(new JdbcStart(), new HibernateStart(), new MyBatisStart(), new JdbiStart(), new JooqStart());
    }

    /** @throws IllegalArgumentException naming the styles */
    public static StyleStart byName(String name) {
        return all().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("style must be one of "
                        + all().stream().map(StyleStart::name).toList() + ", was " + name));
    }
}
