package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fourways.UserStore;
import dev.fourways.db.IsolatedDatabase;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Quick mode keeps a read-only class's trial for its next benchmark: the same database and store
 * under the same key, the old one closed (its pool shut, its store closed) when another key comes,
 * and nothing kept at all unless a worker turned keeping on.
 */
class KeptTrialsTest {

    private final AtomicInteger closed = new AtomicInteger();

    @AfterEach
    void off() {
        KeptTrials.disable();
    }

    @Test
    void keepsOneTrialPerKeyAndClosesItWhenAnotherKeyComes() {
        // given
        KeptTrials.enable();
        KeptTrials.Trial lookups = trial("LookupBenchmarks jdbc h2 50");

        // when
        boolean kept = KeptTrials.keep(lookups);

        // then
        assertThat(kept).isTrue();
        assertThat(KeptTrials.reuse("LookupBenchmarks jdbc h2 50")).as("the next benchmark of the class").containsSame(lookups);
        assertThat(KeptTrials.holds(lookups.store())).as("its trial tear-down leaves it open").isTrue();
        assertThat(lookups.database().dataSource().isClosed()).isFalse();

        assertThat(KeptTrials.reuse("WriteBenchmarks jdbc h2 50")).as("another class finds nothing").isEmpty();
        assertThat(lookups.database().dataSource().isClosed()).as("the kept database is closed").isTrue();
        assertThat(closed).as("the kept store is closed once").hasValue(1);
        assertThat(KeptTrials.holds(lookups.store())).isFalse();
        assertThat(KeptTrials.reuse("LookupBenchmarks jdbc h2 50")).as("and is gone for good").isEmpty();
    }

    @Test
    void keepsNothingUnlessTurnedOn() {
        // given
        KeptTrials.Trial lookups = trial("LookupBenchmarks jdbc h2 50");

        // when
        boolean kept = KeptTrials.keep(lookups);

        // then
        assertThat(kept).isFalse();
        assertThat(KeptTrials.reuse("LookupBenchmarks jdbc h2 50")).isEmpty();
        assertThat(KeptTrials.holds(lookups.store())).isFalse();
        lookups.database().close();
    }

    private KeptTrials.Trial trial(String key) {
        IsolatedDatabase database = IsolatedDatabase.create(StoreBenchmark.settings("h2"), "kept");
        return new KeptTrials.Trial(key, database, DataSet.seed(database.dataSource(), 50), closeCounting());
    }

    /** A store whose only behaviour is counting {@code close()}. */
    private UserStore closeCounting() {
        return (UserStore) Proxy.newProxyInstance(UserStore.class.getClassLoader(), new Class<?>[] {UserStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        closed.incrementAndGet();
                    }
                    return method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                            : method.getName().equals("equals") ? proxy == args[0] : null;
                });
    }
}
