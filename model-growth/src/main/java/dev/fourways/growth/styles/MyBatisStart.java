package dev.fourways.growth.styles;

import java.util.List;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.AutoMappingBehavior;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * MyBatis as mapper-xml starts it: a {@code Configuration} written in Java with the same settings,
 * one {@code addMapper} per mapper interface (each loads its XML beside it, whose DTD MyBatis
 * resolves from its own jar), then {@code getMapper(...).findById(1)}.
 *
 * <p>Variants: {@code onefile} (one interface, one XML file with all n tables' result maps and
 * statements); {@code lazy} (only the mapper the first query needs is added at start, the others
 * when first used; MyBatis 3.5 has no built-in lazy mapper loading, so this is the application's
 * choice: https://mybatis.org/mybatis-3/java-api.html, {@code addMapper}).
 */
public final class MyBatisStart implements StyleStart {

    @Override
    public String name() {
        return "mybatis";
    }

    @Override
    public List<String> variants() {
        return List.of("default", "onefile", "lazy");
    }

    /** {@code onefile} does not start at 500 tables and more (see the README), and {@code lazy} measured lower anyway. */
    @Override
    public String best() {
        return "lazy";
    }

    @Override
    public Started start(DataSource dataSource, ClassLoader loader, String basePackage, String variant, Phases phases) throws Exception {
        checkVariant(variant);
        MyBatisModel model = StyleStart.model(loader, basePackage + ".mybatis.GrowthModel", MyBatisModel.class);
        List<Class<?>> mappers = switch (variant) {
            case "onefile" -> List.of(model.allInOneMapper());
            case "lazy" -> List.of(model.firstMapper());
            default -> model.mappers();
        };
        phases.lap("load mapper interfaces");
        Configuration configuration = new Configuration(new Environment("growth", new JdbcTransactionFactory(), dataSource));
        configuration.setCacheEnabled(false);
        configuration.setLocalCacheScope(LocalCacheScope.STATEMENT);
        configuration.setLazyLoadingEnabled(false);
        configuration.setAutoMappingBehavior(AutoMappingBehavior.NONE);
        configuration.setDefaultExecutorType(ExecutorType.SIMPLE);
        configuration.setShrinkWhitespacesInSql(true);
        phases.lap("configuration");
        mappers.forEach(configuration::addMapper);
        phases.lap("addMapper (XML parsing, result maps, statements)");
        SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(configuration);
        phases.lap("SqlSessionFactory");
        String code;
        try (SqlSession session = factory.openSession()) {
            code = variant.equals("onefile") ? model.firstFromAllInOne(session) : model.first(session);
        }
        phases.lap("first query");
        return new Started(code, factory);
    }

    @Override
    public int mappedTypes(Started started, ClassLoader loader, String basePackage, String variant) {
        // Statements are stored under their full id and their short id (an ambiguity marker once two
        // mappers share it); the full ids, namespace.id, count each statement once.
        return (int) ((SqlSessionFactory) started.handle()).getConfiguration().getMappedStatementNames().stream()
                .filter(name -> name.contains(".")).count();
    }
}
