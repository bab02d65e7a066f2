package dev.fourways.growth.styles;

import org.jooq.DSLContext;

/** What a generated jOOQ model ({@code <base>.jooq.GrowthModel} or {@code <base>.jooqlean.GrowthModel}) gives its start-up. */
public interface JooqModel {

    /** {@code selectFrom(<last table>).where(ID.eq(1))}; returns the row's {@code code}. */
    String first(DSLContext ctx);
}
