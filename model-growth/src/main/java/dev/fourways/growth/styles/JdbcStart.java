package dev.fourways.growth.styles;

import java.util.List;
import javax.sql.DataSource;

/** Plain JDBC, the floor: load the DAO of the table and run its statement; nothing is built per table. */
public final class JdbcStart implements StyleStart {

    @Override
    public String name() {
        return "jdbc";
    }

    @Override
    public List<String> variants() {
        return List.of("default");
    }

    @Override
    public Started start(DataSource dataSource, ClassLoader loader, String basePackage, String variant, Phases phases) throws Exception {
        checkVariant(variant);
        JdbcModel model = StyleStart.model(loader, basePackage + ".jdbc.GrowthModel", JdbcModel.class);
        phases.lap("load model classes");
        String code = model.first(dataSource);
        phases.lap("first query");
        return new Started(code, null);
    }
}
