package dev.fourways.growth.styles;

import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;

/**
 * jOOQ as sql-layer starts it: a {@code DefaultConfiguration} over the pool with the H2 dialect and
 * sql-layer's rendering settings, then a typed query on a generated table.
 *
 * <p>Variants: {@code default} (classes generated with jOOQ's defaults, the table reached through
 * {@code Tables}, as sql-layer does); {@code lean} ({@code globalObjectReferences=false}, the table
 * class used directly); {@code warmup} (the default classes, and a warm-up query, {@code select 1}
 * through the same {@code DSLContext}, run as part of start-up before the first real query, as an
 * application does to keep the cost of jOOQ's first rendering and execution away from its first
 * request: the phase split shows how much of the first query's time it moves, the total includes it).
 */
public final class JooqStart implements StyleStart {

    @Override
    public String name() {
        return "jooq";
    }

    @Override
    public List<String> variants() {
        return List.of("default", "lean", "warmup");
    }

    @Override
    public String best() {
        return "lean";
    }

    @Override
    public Started start(DataSource dataSource, ClassLoader loader, String basePackage, String variant, Phases phases) throws Exception {
        checkVariant(variant);
        String pkg = packageOf(basePackage, variant);
        JooqModel model = StyleStart.model(loader, pkg + ".GrowthModel", JooqModel.class);
        phases.lap("load model classes");
        DSLContext ctx = DSL.using(new DefaultConfiguration()
                .set(dataSource)
                .set(SQLDialect.H2)
                // The settings of sql-layer's JooqConfiguration that bear on these queries.
                .set(new Settings()
                        .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                        .withRenderSchema(false)
                        .withRenderCatalog(false)
                        .withExecuteLogging(false)
                        .withFetchWarnings(false)));
        phases.lap("DSLContext");
        if (variant.equals("warmup")) {
            ctx.selectOne().fetch();
            phases.lap("warm-up query (select 1)");
        }
        String code = model.first(ctx);
        // Initialises the generated classes it touches, renders the SQL, executes.
        phases.lap("first query");
        return new Started(code, ctx);
    }

    @Override
    public int mappedTypes(Started started, ClassLoader loader, String basePackage, String variant) {
        return tablesIn(loader, packageOf(basePackage, variant));
    }

    private static String packageOf(String basePackage, String variant) {
        return basePackage + (variant.equals("lean") ? ".jooqlean" : ".jooq");
    }

    /** Tables in the generated {@code DefaultSchema}, read after the clock (it initialises them all). */
    private static int tablesIn(ClassLoader loader, String pkg) {
        try {
            Object schema = Class.forName(pkg + ".DefaultSchema", true, loader).getField("DEFAULT_SCHEMA").get(null);
            return ((org.jooq.Schema) schema).getTables().size();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated jOOQ schema not found in " + pkg, e);
        }
    }
}
