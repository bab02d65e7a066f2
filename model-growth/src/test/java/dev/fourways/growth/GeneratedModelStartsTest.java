package dev.fourways.growth;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.fourways.growth.styles.Phases;
import dev.fourways.growth.styles.StyleStart;
import dev.fourways.growth.styles.StyleStarts;
import dev.fourways.growth.styles.Started;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Smoke run of the generator at N=10: the model is generated, compiled and migrated from scratch,
 * then every style starts over it with every variant and answers its first query on the last
 * generated table, having built what the model holds (not timed: the benchmark measures).
 */
class GeneratedModelStartsTest {

    static final int N = 10;
    static ModelLayout layout;
    static HikariDataSource pool;
    static URLClassLoader loader;

    @BeforeAll
    static void generate() throws Exception {
        Path cache = Path.of("target", "growth-smoke");
        if (Files.exists(cache)) {
            try (var files = Files.walk(cache)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        layout = ModelBuilder.prepare(cache, N, System.out);
        pool = ModelBuilder.open(layout, "growth-smoke");
        loader = new URLClassLoader(new URL[] {layout.classes().toUri().toURL()}, GeneratedModelStartsTest.class.getClassLoader());
    }

    @AfterAll
    static void close() throws Exception {
        pool.close();
        loader.close();
    }

    /**
     * The JMH benchmark itself, in-process (forks 0: the generated classes are seen through the
     * context loader), one shot per style at N=10; then the report is written from its results.
     */
    @Test
    void theBenchmarkRunsForEveryStyleAndTheReportIsWritten() throws Exception {
        Path out = Path.of("target", "growth-smoke-report").toAbsolutePath();
        Files.createDirectories(out);
        Path forkLog = out.resolve("forks.jsonl");
        Files.deleteIfExists(forkLog);
        System.setProperty(GrowthStartupBenchmark.CACHE_PROPERTY, Path.of("target", "growth-smoke").toAbsolutePath().toString());
        System.setProperty(GrowthStartupBenchmark.FORK_LOG_PROPERTY, forkLog.toString());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        java.util.Collection<org.openjdk.jmh.results.RunResult> results;
        try {
            results = new org.openjdk.jmh.runner.Runner(new org.openjdk.jmh.runner.options.OptionsBuilder()
                    .include("^" + GrowthStartupBenchmark.class.getName().replace(".", "\\.") + "\\.")
                    .param("n", String.valueOf(N))
                    .forks(0)
                    .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
                    .build()).run();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        assertThat(results).extracting(r -> r.getParams().getParam("style"))
                .containsExactlyInAnyOrder("jdbc", "hibernate", "mybatis", "jdbi", "jooq");
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
        java.util.List<ForkRecord> records = Files.readAllLines(forkLog).stream().map(ForkRecord::parse).toList();
        assertThat(records).extracting(ForkRecord::style, ForkRecord::mappedTypes).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("jdbc", -1), org.assertj.core.groups.Tuple.tuple("hibernate", N),
                org.assertj.core.groups.Tuple.tuple("mybatis", 5 * N), org.assertj.core.groups.Tuple.tuple("jdbi", -1),
                org.assertj.core.groups.Tuple.tuple("jooq", N));
        assertThat(records).allSatisfy(f -> assertThat(f.heapUsedMb()).isPositive());

        java.util.List<Point> points = results.stream().map(r -> {
            double ms = r.getPrimaryResult().getScore();
            return new Point(r.getParams().getParam("style"), "default", N, java.util.List.of(ms), ms, ms, ms, 1, 1, 1, -1);
        }).toList();
        GrowthReport report = GrowthReport.of(SweepOptions.parse("--n", String.valueOf(N), "--forks", "1"), points, java.util.List.of(), 1);
        ReportWriter.write(report, out);
        assertThat(out.resolve("growth.md")).content().contains("| hibernate | ").contains("Published reports");
        assertThat(out.resolve("growth.json")).content().contains("\"style\" : \"jooq\"");
    }

    @Test
    void theMigrationCreatesEveryTableWithItsForeignKeysAndIndexes() throws Exception {
        try (var c = pool.getConnection(); var rs = c.createStatement().executeQuery(
                "select count(*) from information_schema.tables where table_name like 'T0%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(N);
        }
        String sql = new ModelGenerator(layout).migration();
        assertThat(sql).contains("t0010_parent_fk foreign key (parent_id) references t0009 (id)")
                .contains("create index t0001_created_at_idx");
    }

    @Test
    void everyStyleAndVariantStartsAndAnswersOnTheLastTable() throws Exception {
        Map<String, Integer> expectedMapped = Map.of("hibernate", N, "mybatis", 5 * N, "jooq", N, "jdbi", -1, "jdbc", -1);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            for (StyleStart style : StyleStarts.all()) {
                for (String variant : style.variants()) {
                    for (Phases phases : new Phases[] {Phases.OFF, Phases.start()}) {
                        Started started = style.start(pool, loader, layout.basePackage(), variant, phases);
                        String what = style.name() + "/" + variant + (phases.splitting() ? " (split)" : "");
                        assertThat(started.firstCode()).as(what).isEqualTo(Tables.firstCode(N, N));
                        int mapped = style.mappedTypes(started, loader, layout.basePackage(), variant);
                        assertThat(mapped).as(what).isEqualTo(variant.equals("lazy") ? 5 : expectedMapped.get(style.name()));
                        if (phases.splitting()) {
                            assertThat(phases.millis()).as(what).containsKey("first query");
                            if (variant.equals("warmup")) {
                                assertThat(phases.millis()).as(what).containsKey("warm-up query (select 1)");
                            }
                        }
                        style.close(started);
                    }
                }
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * The {@code enhanced} variants start over entities that Hibernate's enhancer rewrote at build
     * time, and the others over plain ones: every generated entity of {@code jpaenhanced} is a
     * {@code ManagedEntity} with an attribute interceptor, none of {@code jpa} is.
     */
    @Test
    void theEnhancedEntitiesAreEnhancedAndThePlainOnesAreNot() throws Exception {
        for (int i = 1; i <= N; i++) {
            Class<?> plain = Class.forName(layout.basePackage() + ".jpa." + Tables.type(i, N), false, loader);
            Class<?> enhanced = Class.forName(layout.basePackage() + ".jpaenhanced." + Tables.type(i, N), false, loader);
            assertThat(org.hibernate.engine.spi.ManagedEntity.class.isAssignableFrom(plain)).as(plain.getName()).isFalse();
            assertThat(org.hibernate.engine.spi.ManagedEntity.class.isAssignableFrom(enhanced)).as(enhanced.getName()).isTrue();
            assertThat(org.hibernate.engine.spi.PersistentAttributeInterceptable.class.isAssignableFrom(enhanced)).as(enhanced.getName()).isTrue();
        }
    }
}
