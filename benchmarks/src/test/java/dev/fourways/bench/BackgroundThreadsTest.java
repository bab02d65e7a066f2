package dev.fourways.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the JIT compilers' and the GC's CPU time from /proc, and the wait for them to be idle. */
class BackgroundThreadsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "812 (C2 CompilerThre) S 1 805 1 0 -1 1077936192 391 0 0 0 4213 97 0 0 20 0 31 0 190 | 4310",
            "812 (C1 CompilerThre) R 1 805 1 0 -1 1077936192 0 0 0 0 0 0 0 0 20 0 31 0 190 | 0",
            "9 (a) (b) c) S 1 9 1 0 -1 0 0 0 0 0 7 5 0 0 20 0 1 0 1 | 12",
            "9 (x) S 1 9 1 0 -1 0 0 0 0 0 123456789012 1 | 123456789013"})
    void sumsUserAndSystemTicksCountingFieldsAfterTheLastParenthesis(String stat, long ticks) {
        assertThat(BackgroundThreads.cpuTicks(stat)).isEqualTo(ticks);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "812 C2 S 1 2 3", "812 (C2) S 1 805 1 0 -1 0 0 0 0 0 4213"})
    void refusesWhatIsNotAStatLine(String stat) {
        assertThatThrownBy(() -> BackgroundThreads.cpuTicks(stat)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a /proc stat line");
    }

    @Test
    void countsTheCompilersWorkInThisJvm() throws Exception {
        // given: HotSpot with its JIT on Linux, as the benchmarks run (if the thread names were wrong, ticks would be empty)
        long before = BackgroundThreads.ticks().orElseThrow();

        // when: 100 copies of one hot loop, each its own class (its own loader), so each is compiled anew
        byte[] bytes;
        try (InputStream in = Busy.class.getResourceAsStream("BackgroundThreadsTest$Busy.class")) {
            bytes = in.readAllBytes();
        }
        long sum = 0;
        for (int copy = 0; copy < 100; copy++) {
            Method spin = new OneClassLoader(Busy.class.getName(), bytes).loadClass(Busy.class.getName())
                    .getMethod("spin", long.class);
            spin.setAccessible(true);
            for (int call = 0; call < 20; call++) {
                sum += (long) spin.invoke(null, 200_000L);
            }
        }
        BackgroundThreads.awaitIdle();

        // then
        assertThat(sum).isNotZero();
        assertThat(BackgroundThreads.ticks().orElseThrow()).as("compiler ticks after 100 compiled loops").isGreaterThan(before);
    }

    /** A hot loop for the JIT to compile. */
    public static final class Busy {
        public static long spin(long n) {
            long x = 1;
            for (long i = 0; i < n; i++) {
                x += i * 31 ^ (x >>> 3);
            }
            return x;
        }
    }

    /** Defines one class from its bytes, its own copy, apart from the test's loader. */
    private static final class OneClassLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        OneClassLoader(String name, byte[] bytes) {
            super(null);
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> findClass(String wanted) throws ClassNotFoundException {
            if (!wanted.equals(name)) {
                throw new ClassNotFoundException(wanted);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    @Test
    void waitsUntilTheTicksStopMovingForTheQuietTime() {
        // given: compilers busy for the first 8 polls (about 80 ms), then idle
        AtomicLong polls = new AtomicLong();
        BackgroundThreads.Supplier busyThenIdle = () -> OptionalLong.of(Math.min(polls.incrementAndGet(), 8));

        // when
        long waited = BackgroundThreads.awaitIdle(busyThenIdle, 100, 5_000);

        // then: the last move, then 100 ms without one
        assertThat(polls.get()).as("polled again after the last move").isGreaterThan(8);
        assertThat(waited).isBetween(170L, 4_000L);
    }

    @Test
    void givesUpAfterTheLongestWaitWhenTheCompilersNeverRest() {
        AtomicLong polls = new AtomicLong();
        long waited = BackgroundThreads.awaitIdle(() -> OptionalLong.of(polls.incrementAndGet()), 100, 300);
        assertThat(waited).isBetween(300L, 2_000L);
    }

    @Test
    void returnsAtOnceWithoutATickSourceAndAfterTheQuietTimeWhenAlreadyIdle() {
        assertThat(BackgroundThreads.awaitIdle(OptionalLong::empty, 100, 5_000)).isZero();
        assertThat(BackgroundThreads.awaitIdle(() -> OptionalLong.of(42), 100, 5_000)).isBetween(100L, 1_000L);
    }
}
