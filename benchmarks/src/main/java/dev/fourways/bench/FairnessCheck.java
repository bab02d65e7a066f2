package dev.fourways.bench;

import dev.fourways.UserStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Before a store is timed, it answers a fixed set of reads and its answers are compared with the
 * plain-JDBC reference's on the same database. A store that returns different data (a missing
 * purchase, a shifted timestamp, another order) would be measured doing less work, so it is not
 * timed at all: {@link #verify} throws and JMH reports the trial as failed.
 */
public final class FairnessCheck {

    private FairnessCheck() {
    }

    /**
     * The reads, by name; each answer is compared with {@code equals} (the records define it). Every
     * read of {@link Operations#ALL}, called {@link Operations.Operation#fairnessCalls()} times with
     * the benchmarks' arguments, then three edge cases the benchmarks do not time.
     */
    static Map<String, Function<UserStore, Object>> questions(Workload w) {
        Map<String, Function<UserStore, Object>> q = new LinkedHashMap<>();
        Operations.Arguments arguments = Operations.readsOf(w);
        int most = Operations.ALL.stream().mapToInt(Operations.Operation::fairnessCalls).max().orElse(0);
        for (int k = 0; k < most; k++) {
            int call = k;
            for (Operations.Operation op : Operations.ALL) {
                if (call < op.fairnessCalls()) {
                    q.put(op.fairnessCalls() > 1 ? op.name() + "#" + call : op.name(), s -> op.call().on(s, arguments, call));
                }
            }
        }
        q.put("findById(missing)", s -> s.findById(-1));
        q.put("findByUsername(UPPER CASE)", s -> s.findByUsername(w.data().username(0).toUpperCase()));
        q.put("listAfter(null)", s -> s.listAfter(null, Workload.PAGE_SIZE));
        return q;
    }

    /**
     * @throws IllegalStateException naming the first read whose answer differs, with both answers
     */
    public static void verify(String storeName, UserStore store, UserStore reference, Workload workload) {
        for (Map.Entry<String, Function<UserStore, Object>> question : questions(workload).entrySet()) {
            Object expected = question.getValue().apply(reference);
            Object actual = question.getValue().apply(store);
            if (!expected.equals(actual)) {
                throw new IllegalStateException("FAIRNESS: store '" + storeName + "' is not timed: its answer to "
                        + question.getKey() + " differs from jdbc's.\n  jdbc:  " + abbreviate(expected)
                        + "\n  " + storeName + ": " + abbreviate(actual));
            }
        }
    }

    private static String abbreviate(Object answer) {
        String s = String.valueOf(answer);
        return s.length() > 600 ? s.substring(0, 600) + "... (" + s.length() + " chars)" : s;
    }
}
