package dev.fourways.mapperxml.pitfalls;

import dev.fourways.contract.PitfallDatabase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.mapperxml.MyBatisUserStoreProvider;
import dev.fourways.mapperxml.SqlSessionFactories;
import dev.fourways.mapperxml.UserWithPurchasesRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ibatis.builder.xml.XMLMapperBuilder;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;

/**
 * An N+1 through a nested select in a result map. A {@code <collection select="purchasesOf">}
 * fills each user's purchases with one more select per user row, so a page of 5 users costs 6
 * statements; the contract's budget for {@code pageWithPurchases} is 2 whatever the page size. The
 * idiom is a nested result map over one joined select ({@code userWithPurchasesResult} in the
 * store's {@code UserMapper.xml}), which MyBatis groups into one object per user by its
 * {@code <idArg>}. The naive mapping is {@code NestedSelectMapper.xml}, beside this test.
 *
 * @see dev.fourways.UserStore#pageWithPurchases
 * @see <a href="https://mybatis.org/mybatis-3/sqlmap-xml.html">MyBatis Mapper XML files: collection, nested select vs nested results</a>
 */
class NestedSelectNPlusOneTest {

    private static final int PAGE = 5;
    /** The XML sits beside this test, in the module's test sources (the working directory is the module). */
    private static final Path NAIVE_XML = Path.of("src/test/java/dev/fourways/mapperxml/pitfalls/NestedSelectMapper.xml");

    @Test
    void aNestedSelectInACollectionCostsOneSelectPerUser() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve")) {
            SqlSessionFactory factory = withNaiveMapper(SqlSessionFactories.build(db.counted(), dev.fourways.StoreSettings.defaults()));
            db.reset();
            List<UserWithPurchases> page;
            try (SqlSession session = factory.openSession(true)) {
                page = session.getMapper(NestedSelectMapper.class).pageWithPurchases(PAGE, 0)
                        .stream().map(UserWithPurchasesRow::toRecord).toList();
            }
            db.record(getClass(), "naive");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as("1 for the page + 1 per user:\n%s", db.sent()).isEqualTo(1 + PAGE)
                    .isGreaterThan(2);
        }
    }

    @Test
    void theStoresJoinedResultMapReadsThePageInOneSelect() {
        try (PitfallDatabase db = PitfallDatabase.seeded("ann", "bob", "cid", "dee", "eve");
             UserStore store = new MyBatisUserStoreProvider().open(db.counted())) {
            db.reset();
            List<UserWithPurchases> page = store.pageWithPurchases(0, PAGE);
            db.record(getClass(), "idiom");
            assertThat(page).hasSize(PAGE).allSatisfy(u -> assertThat(u.purchases()).hasSize(PitfallDatabase.PURCHASES));
            assertThat(db.statements()).as(db.sent()).isEqualTo(1);
        }
    }

    /** Adds the naive mapper to the store's configuration, so both read through the same result maps. */
    private static SqlSessionFactory withNaiveMapper(SqlSessionFactory factory) {
        Configuration configuration = factory.getConfiguration();
        try (InputStream xml = Files.newInputStream(NAIVE_XML)) {
            new XMLMapperBuilder(xml, configuration, NAIVE_XML.toString(), configuration.getSqlFragments()).parse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return factory;
    }
}
