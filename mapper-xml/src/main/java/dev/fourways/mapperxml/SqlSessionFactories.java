package dev.fourways.mapperxml;

import dev.fourways.StoreSettings;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import java.time.Instant;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.mapping.VendorDatabaseIdProvider;
import org.apache.ibatis.session.AutoMappingBehavior;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;

/**
 * Builds the one {@link SqlSessionFactory} of a store over the caller's {@code DataSource}.
 *
 * <p>The configuration is written in Java, not in a {@code mybatis-config.xml}, because its
 * {@link Environment} wraps a {@code DataSource} object the caller hands in at run time
 * (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API,
 * SqlSessionFactoryBuilder</a>, "Configuration"). The SQL and the result maps stay in the mapper
 * XML files, which {@link Configuration#addMapper} loads from the classpath next to each
 * interface. Settings are explained where they are set
 * (<a href="https://mybatis.org/mybatis-3/configuration.html#settings">settings</a>).
 */
public final class SqlSessionFactories {

    private SqlSessionFactories() {
    }

    /**
     * @param dataSource the caller's pool; borrowed once here to recognise the database, never closed
     * @param settings   the statement timeout, which becomes MyBatis's {@code defaultStatementTimeout}
     * @return a thread-safe factory, to build once and share
     * @throws IllegalStateException when the database is not H2, PostgreSQL or MariaDB
     */
    public static SqlSessionFactory build(DataSource dataSource, StoreSettings settings) {
        // JdbcTransactionFactory: MyBatis commits and rolls back on the JDBC connection itself.
        Configuration configuration = new Configuration(
                new Environment("fourways", new JdbcTransactionFactory(), dataSource));

        // Must be known before the mappers are parsed: statements whose databaseId does not match
        // are dropped while parsing.
        configuration.setDatabaseId(databaseId(dataSource));

        // No second-level cache (no mapper declares one): skips the CachingExecutor on every call.
        configuration.setCacheEnabled(false);
        // No result is kept in the session's cache past its statement: with one session per
        // operation it could only serve a repeated identical select within one call, and every
        // read is meant to go to the database.
        configuration.setLocalCacheScope(LocalCacheScope.STATEMENT);
        // Nested results are joined, never fetched lazily by extra selects.
        configuration.setLazyLoadingEnabled(false);
        // Every column is mapped explicitly by a result map; nothing is guessed from column names.
        configuration.setAutoMappingBehavior(AutoMappingBehavior.NONE);
        // SIMPLE: a fresh PreparedStatement per statement; createAll asks for BATCH explicitly.
        configuration.setDefaultExecutorType(ExecutorType.SIMPLE);
        // The SQL sent (and seen in logs and by the database) is the XML's text on one line.
        configuration.setShrinkWhitespacesInSql(true);
        // The store's statement timeout, in seconds: every statement handler calls
        // Statement.setQueryTimeout with it, unless the statement's own `timeout` attribute says
        // otherwise (https://mybatis.org/mybatis-3/configuration.html#settings, defaultStatementTimeout;
        // https://mybatis.org/mybatis-3/sqlmap-xml.html, select/insert/update/delete "timeout").
        // streamAll's select sets timeout="0" (none): MariaDB's max_statement_time, which
        // Connector/J uses for the query timeout, would end a stream the caller merely reads slowly.
        configuration.setDefaultStatementTimeout(settings.statementTimeoutSeconds());

        // Short names for the result types used in the XML (type="User", ofType="Purchase").
        configuration.getTypeAliasRegistry().registerAlias(User.class);
        configuration.getTypeAliasRegistry().registerAlias(NewUser.class);
        configuration.getTypeAliasRegistry().registerAlias(Purchase.class);
        configuration.getTypeAliasRegistry().registerAlias(PurchaseWithUser.class);
        configuration.getTypeAliasRegistry().registerAlias(PurchaseStatus.class);
        configuration.getTypeAliasRegistry().registerAlias(SpenderSummary.class);
        configuration.getTypeAliasRegistry().registerAlias(UserWithPurchasesRow.class);
        configuration.getTypeHandlerRegistry().register(Instant.class, new UtcInstantTypeHandler());

        // Each addMapper also loads the XML of the same name at the same package path. Purchases
        // first: UserMapper.xml refers to PurchaseMapper's result map.
        configuration.addMapper(PurchaseMapper.class);
        configuration.addMapper(UserMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /**
     * The databaseId of the mapper statements that differ per database, from the JDBC product name.
     * MariaDB Connector/J reports "MariaDB", or "MySQL" in MySQL compatibility mode.
     */
    private static String databaseId(DataSource dataSource) {
        Properties vendors = new Properties();
        vendors.setProperty("H2", "h2");
        vendors.setProperty("PostgreSQL", "postgresql");
        vendors.setProperty("MariaDB", "mariadb");
        vendors.setProperty("MySQL", "mariadb");
        VendorDatabaseIdProvider provider = new VendorDatabaseIdProvider();
        provider.setProperties(vendors);
        String id = provider.getDatabaseId(dataSource);
        if (id == null) {
            throw new IllegalStateException("mybatis store: unsupported database (H2, PostgreSQL or MariaDB expected)");
        }
        return id;
    }
}
