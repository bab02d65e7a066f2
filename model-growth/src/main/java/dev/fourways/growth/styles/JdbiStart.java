package dev.fourways.growth.styles;

import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * Jdbi as manual-mapping starts it: {@code Jdbi.create(dataSource)}, no plugin, and the table's
 * hand-written {@code RowMapper} passed to the query explicitly (nothing registered by type), so
 * no other table's mapper is loaded.
 */
public final class JdbiStart implements StyleStart {

    @Override
    public String name() {
        return "jdbi";
    }

    @Override
    public List<String> variants() {
        return List.of("default");
    }

    @Override
    public Started start(DataSource dataSource, ClassLoader loader, String basePackage, String variant, Phases phases) throws Exception {
        checkVariant(variant);
        JdbiModel model = StyleStart.model(loader, basePackage + ".jdbi.GrowthModel", JdbiModel.class);
        phases.lap("load model classes");
        Jdbi jdbi = Jdbi.create(dataSource);
        phases.lap("Jdbi.create");
        String code = model.first(jdbi);
        phases.lap("first query");
        return new Started(code, jdbi);
    }
}
