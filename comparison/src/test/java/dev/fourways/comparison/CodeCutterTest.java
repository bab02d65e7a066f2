package dev.fourways.comparison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cutter finds, by name, what each style runs for an operation and the mapping behind it. */
class CodeCutterTest {

    private final CodeCutter cutter = new CodeCutter(Generate.root());

    @Test
    void myBatisShowsTheStatementItsMapperRunsAndTheResultMapAndFragmentsItUses() {
        List<CodeSection> sections = cutter.cut(Style.byName("mybatis"), "findWithPurchases");
        assertThat(sections).extracting(CodeSection::title).anyMatch(t -> t.contains("findWithPurchases") && t.contains(".xml"))
                .anyMatch(t -> t.contains("userWithPurchasesResult")).anyMatch(t -> t.contains("purchaseResult"))
                .anyMatch(t -> t.contains("userResult"));
    }

    @Test
    void hibernateShowsTheHqlDeclarationAndTheEntitiesMappedFields() {
        List<CodeSection> sections = cutter.cut(Style.byName("hibernate"), "findByUsername");
        // The query method, with the constant its @HQL names, so the page shows the query itself.
        assertThat(sections).anyMatch(s -> s.code().contains("where username = :username") && s.code().contains("@HQL("));
        assertThat(sections).anyMatch(s -> s.title().contains("UserEntity") && s.code().contains("@Version"));
    }

    @Test
    void jdbiShowsTheRowMapperAndJooqTheGeneratedColumns() {
        assertThat(cutter.cut(Style.byName("jdbi"), "findById")).anyMatch(s -> s.title().contains("UserRowMapper"));
        assertThat(cutter.cut(Style.byName("jooq"), "findByUsername"))
                .anyMatch(s -> s.title().contains("generated table `Users`") && s.code().contains("USERNAME"));
    }

    @Test
    void anOperationAStoreDoesNotImplementIsAnError() {
        assertThatThrownBy(() -> cutter.cut(Style.byName("jdbc"), "noSuchOperation")).hasMessageContaining("noSuchOperation");
    }

    @Test
    void anOperationWithoutASampleCallNamesTheTableToExtend() {
        assertThatThrownBy(() -> SampleCalls.of("archive")).hasMessageContaining("SampleCalls.java").hasMessageContaining("archive");
    }
}
