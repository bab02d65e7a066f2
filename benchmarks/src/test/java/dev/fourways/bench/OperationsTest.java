package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.db.IsolatedDatabase;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The registry ({@link Operations}) and the JMH benchmark methods are kept apart on purpose (see
 * its Javadoc): these tests keep them in step. A benchmark method without a registry entry would
 * be run by plain JMH but left out of {@code ./compare}, the report, the census and the fairness
 * check; an entry without a method would make {@code ./compare} ask JMH for nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {

    private IsolatedDatabase database;
    private DataSet data;

    @BeforeAll
    void seed() {
        database = IsolatedDatabase.create(StoreBenchmark.settings("h2"), "operations");
        data = DataSet.seed(database.dataSource(), 300);
    }

    @AfterAll
    void drop() {
        database.close();
    }

    @Test
    void everyJmhBenchmarkIsInTheRegistryAndEveryRegistryEntryIsAJmhBenchmark() {
        // JMH's own list, written by its annotation processor: what plain JMH would run.
        Set<String> jmh = BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of()).stream()
                .map(BenchmarkListEntry::getUsername)
                .filter(name -> !name.startsWith(StartupBenchmark.class.getName() + "."))
                // Run by ./compare on its own (a rate at several worker counts), not a per-call cost.
                .filter(name -> !name.startsWith(ClaimThroughputBenchmark.class.getName() + "."))
                .filter(name -> !name.startsWith(UpsertThroughputBenchmark.class.getName() + "."))
                .filter(name -> !name.startsWith(RequestBenchmark.class.getName() + "."))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> registry = Operations.ALL.stream().map(op -> "dev.fourways.bench." + op.benchmarkName())
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(registry).as("Operations.ALL against JMH's benchmark list").isEqualTo(jmh);
    }

    @Test
    void namesAreUniqueAndEveryFamilyHasOperations() {
        assertThat(Operations.ALL.stream().map(Operations.Operation::name)).doesNotHaveDuplicates();
        assertThat(Operations.FAMILIES).allSatisfy(f -> assertThat(f.operations()).isNotEmpty());
        assertThat(Operations.ALL).allSatisfy(op -> assertThat(Operations.FAMILIES).contains(op.family()));
        assertThat(RunSettings.queryBenchmarks(java.util.Optional.empty())).as("./compare runs every operation")
                .containsExactlyInAnyOrderElementsOf(Operations.ALL.stream().map(Operations.Operation::benchmarkName).toList());
    }

    /**
     * Every read asks the store exactly what its benchmark method asks, for the same call number:
     * so the census counts and the fairness check compares the questions that are timed.
     */
    @Test
    void everyReadAsksTheStoreWhatItsBenchmarkMethodAsks() throws Exception {
        Workload workload = new Workload(data);
        Blackhole blackhole = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        List<Operations.Operation> reads = Operations.ALL.stream().filter(op -> op.fairnessCalls() > 0).toList();
        assertThat(reads).extracting(Operations.Operation::name).contains("findById", "count", "streamAll", "topSpenders");
        for (Operations.Operation op : reads) {
            for (int k = 0; k < 5; k++) {
                List<List<Object>> byBenchmark = new ArrayList<>();
                StoreBenchmark benchmark = op.benchmark().getDeclaredConstructor().newInstance();
                benchmark.workload = workload;
                benchmark.userStore = recorder(byBenchmark);
                benchmark.call = k;
                Method method = Arrays.stream(op.benchmark().getMethods()).filter(m -> m.getName().equals(op.name()))
                        .findFirst().orElseThrow();
                method.invoke(benchmark, Stream.of(method.getParameterTypes())
                        .map(type -> type == Blackhole.class ? blackhole : null).toArray());

                List<List<Object>> byRegistry = new ArrayList<>();
                op.call().on(recorder(byRegistry), Operations.readsOf(workload), k);

                assertThat(byRegistry).as("%s, call %d", op.name(), k).isNotEmpty().isEqualTo(byBenchmark);
            }
        }
    }

    /** A store that answers nothing (empty values) and records each call as its name followed by its arguments. */
    private static UserStore recorder(List<List<Object>> asked) {
        return (UserStore) Proxy.newProxyInstance(UserStore.class.getClassLoader(), new Class<?>[] {UserStore.class},
                (proxy, method, args) -> {
                    List<Object> call = new ArrayList<>();
                    call.add(method.getName());
                    if (args != null) {
                        call.addAll(Arrays.asList(args));
                    }
                    asked.add(call);
                    Class<?> type = method.getReturnType();
                    return type == long.class ? 0L : type == int.class ? 0 : type == boolean.class ? false
                            : type == Stream.class ? Stream.empty() : null;
                });
    }
}
