package dev.fourways.growth.styles;

import java.util.List;
import org.apache.ibatis.session.SqlSession;

/** What the generated MyBatis model ({@code <base>.mybatis.GrowthModel}) gives its start-up. */
public interface MyBatisModel {

    /** The n mapper interfaces, each with its XML file of the same name beside it. */
    List<Class<?>> mappers();

    /** The mapper of the last table, the one the first query uses. */
    Class<?> firstMapper();

    /** One interface whose single XML file holds every table's result map and statements. */
    Class<?> allInOneMapper();

    /** {@code findById(1)} on the last table's mapper; returns the row's {@code code}. */
    String first(SqlSession session);

    /** The same query through {@link #allInOneMapper()}. */
    String firstFromAllInOne(SqlSession session);
}
