package dev.fourways.growth.styles;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.JdbcSettings;
import org.hibernate.cfg.MappingSettings;
import org.hibernate.cfg.SchemaToolingSettings;
import org.hibernate.jpa.HibernatePersistenceConfiguration;
import org.hibernate.tool.schema.Action;

/**
 * Hibernate as declarative-orm starts it: {@code HibernatePersistenceConfiguration} with the
 * entities listed ({@code managedClasses}, no scanning), the caller's pool, and schema validation
 * at start ({@code Action.VALIDATE}), then a {@code StatelessSession} read.
 *
 * <p>Variants, each one setting changed from {@code default}:
 * <ul>
 *   <li>{@code novalidate}: {@code Action.NONE}, no schema validation
 *       (https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/SchemaToolingSettings.html#JAKARTA_HBM2DDL_DATABASE_ACTION)</li>
 *   <li>{@code nojdbcmeta}: {@code hibernate.boot.allow_jdbc_metadata_access=false} with the dialect
 *       named, so boot does not ask the database for its metadata
 *       (https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/JdbcSettings.html#ALLOW_METADATA_ON_BOOT)</li>
 *   <li>{@code noxml}: {@code hibernate.xml_mapping_enabled=false}, no search for orm.xml
 *       (https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/cfg/MappingSettings.html#XML_MAPPING_ENABLED)</li>
 *   <li>{@code all}: the three together.</li>
 *   <li>{@code enhanced}: the default settings over entities enhanced at build time
 *       ({@code dev.fourways.growth.HibernateEnhancement}, as the Hibernate Maven/Gradle plugin does), which
 *       are their own lazy proxies
 *       (https://docs.jboss.org/hibernate/orm/7.0/userguide/html_single/Hibernate_User_Guide.html#BytecodeEnhancement)</li>
 *   <li>{@code all-enhanced}: the settings of {@code all} over the enhanced entities.</li>
 * </ul>
 * With {@link Phases#splitting()} the same settings go through the native bootstrap
 * (service registry, {@code MetadataSources.buildMetadata}, {@code buildSessionFactory}, then
 * {@code SchemaManager.validateMappedObjects}) so each step can be timed
 * (https://docs.jboss.org/hibernate/orm/7.0/userguide/html_single/Hibernate_User_Guide.html#bootstrap-native).
 */
public final class HibernateStart implements StyleStart {

    @Override
    public String name() {
        return "hibernate";
    }

    @Override
    public List<String> variants() {
        return List.of("default", "novalidate", "nojdbcmeta", "noxml", "all", "enhanced", "all-enhanced");
    }

    /** Every setting measured here at once: the three settings of {@code all} over enhanced entities. */
    @Override
    public String best() {
        return "all-enhanced";
    }

    @Override
    public Started start(DataSource dataSource, ClassLoader loader, String basePackage, String variant, Phases phases) throws Exception {
        checkVariant(variant);
        JpaModel model = StyleStart.model(loader, basePackage + (enhanced(variant) ? ".jpaenhanced" : ".jpa") + ".GrowthModel", JpaModel.class);
        List<Class<?>> entities = model.entities();
        phases.lap("load entity classes");
        boolean validate = !variant.equals("novalidate") && !variant.startsWith("all");
        SessionFactory sessionFactory = phases.splitting()
                ? split(dataSource, entities, variant, validate, phases)
                : idiomatic(dataSource, entities, variant, validate);
        if (!phases.splitting()) {
            phases.lap("SessionFactory built");
        }
        String code = model.first(sessionFactory);
        phases.lap("first query");
        return new Started(code, sessionFactory);
    }

    private static SessionFactory idiomatic(DataSource dataSource, List<Class<?>> entities, String variant, boolean validate) {
        HibernatePersistenceConfiguration configuration = new HibernatePersistenceConfiguration("growth")
                .managedClasses(entities)
                .property(JdbcSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .schemaToolingAction(validate ? Action.VALIDATE : Action.NONE);
        mitigations(variant).forEach(configuration::property);
        return configuration.createEntityManagerFactory();
    }

    /** The same settings through the native bootstrap, one timer per step. */
    private static SessionFactory split(DataSource dataSource, List<Class<?>> entities, String variant, boolean validate, Phases phases) {
        Map<String, Object> settings = new HashMap<>(mitigations(variant));
        settings.put(JdbcSettings.DATASOURCE, dataSource);
        // Validation runs as its own step below, so the factory is built without it.
        settings.put(SchemaToolingSettings.JAKARTA_HBM2DDL_DATABASE_ACTION, Action.NONE);
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder().applySettings(settings).build();
        phases.lap("service registry (JDBC metadata, dialect)");
        MetadataSources sources = new MetadataSources(registry);
        entities.forEach(sources::addAnnotatedClass);
        Metadata metadata = sources.buildMetadata();
        phases.lap("mapping model (annotation binding)");
        SessionFactory sessionFactory = metadata.buildSessionFactory();
        phases.lap("SessionFactory (persisters, proxies, queries)");
        if (validate) {
            sessionFactory.getSchemaManager().validateMappedObjects();
            phases.lap("schema validation");
        }
        return sessionFactory;
    }

    private static Map<String, Object> mitigations(String variant) {
        Map<String, Object> settings = new HashMap<>();
        if (variant.equals("nojdbcmeta") || variant.startsWith("all")) {
            settings.put(JdbcSettings.ALLOW_METADATA_ON_BOOT, false);
            settings.put(JdbcSettings.DIALECT, "org.hibernate.dialect.H2Dialect");
        }
        if (variant.equals("noxml") || variant.startsWith("all")) {
            settings.put(MappingSettings.XML_MAPPING_ENABLED, false);
        }
        return settings;
    }

    private static boolean enhanced(String variant) {
        return variant.endsWith("enhanced");
    }

    @Override
    public int mappedTypes(Started started, ClassLoader loader, String basePackage, String variant) {
        return ((SessionFactory) started.handle()).getMetamodel().getEntities().size();
    }

    @Override
    public void close(Started started) {
        ((SessionFactory) started.handle()).close();
    }
}
