package dev.fourways.sqllayer.pitfalls;

import dev.fourways.db.Database;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * A {@link DSLContext} for a pitfall's naive code: the store's dialect and the two settings its
 * generated names need (unquoted, without a schema), so the naive query differs from the store's
 * only in what the pitfall is about. The store's own configuration is package-private.
 */
final class PitfallDsl {

    private PitfallDsl() {
    }

    /**
     * @param counted the pitfall database's counting {@code DataSource}, which the context sends through
     * @param raw     the same database uncounted, read once for its dialect
     */
    static DSLContext over(DataSource counted, DataSource raw) {
        SQLDialect dialect = switch (Database.of(raw)) {
            case H2 -> SQLDialect.H2;
            case POSTGRESQL -> SQLDialect.POSTGRES;
            case MARIADB -> SQLDialect.MARIADB;
        };
        return DSL.using(counted, dialect, new Settings()
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
                .withRenderSchema(false));
    }
}
