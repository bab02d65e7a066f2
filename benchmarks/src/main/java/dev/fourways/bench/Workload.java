package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.domain.Page;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The arguments of every read, in one place, so the benchmarks, the fairness check and the
 * statement census ask exactly the same questions. Random ids come from a fixed, seeded sequence
 * of picks, the same for every store.
 */
public final class Workload {

    /** Rows per page in every paged benchmark. */
    public static final int PAGE_SIZE = 20;
    private static final int PICKS = 4096;

    private final DataSet data;
    private final int[] picks;
    private final int deepPage;
    private final String deepAfter;
    private final UserQuery search;
    private final Instant spendersSince = DataSet.BASE.plus(365, ChronoUnit.DAYS);

    public Workload(DataSet data) {
        this.data = data;
        Random random = new Random(7);
        this.picks = random.ints(PICKS, 0, data.size()).toArray();
        // "Deep" is 90 % of the way through the users: where offset paging has to skip most rows.
        int deepRow = data.size() * 9 / 10;
        this.deepPage = deepRow / PAGE_SIZE;
        this.deepAfter = deepRow == 0 ? null : data.username(deepRow - 1);
        // Three criteria: a LIKE on the username, a LIKE on the e-mail's domain, a time range.
        this.search = UserQuery.builder()
                .usernameContains("7")
                .emailDomain(DataSet.DOMAINS[1])
                .createdFrom(DataSet.BASE.plusSeconds(data.size() / 4 * DataSet.CREATED_STEP_SECONDS))
                .sort(UserQuery.Sort.CREATED_DESC)
                .limit(50)
                .build();
    }

    /** The data set this workload reads. */
    public DataSet data() {
        return data;
    }

    /** The index of the seeded user for call number {@code k}: a fixed pseudo-random sequence. */
    public int pick(int k) {
        return picks[k & (PICKS - 1)];
    }

    public Optional<User> findById(UserStore store, int k) {
        return store.findById(data.id(pick(k)));
    }

    public Optional<User> findByUsername(UserStore store, int k) {
        return store.findByUsername(data.username(pick(k)));
    }

    public long count(UserStore store) {
        return store.count();
    }

    /** The third page: what a user sees after two clicks. */
    public Page<User> pageShallow(UserStore store) {
        return store.page(2, PAGE_SIZE);
    }

    /** A page 90 % of the way through: the database skips (reads and drops) 9 users in 10. */
    public Page<User> pageDeep(UserStore store) {
        return store.page(deepPage, PAGE_SIZE);
    }

    /** The same depth as {@link #pageDeep}, by keyset: an index seek, whatever the depth. */
    public List<User> listAfterDeep(UserStore store) {
        return store.listAfter(deepAfter, PAGE_SIZE);
    }

    public List<User> search(UserStore store) {
        return store.search(search);
    }

    /** Reads every user through the lazy stream, giving each to {@code sink}; returns the count. */
    public long streamAll(UserStore store, Consumer<User> sink) {
        long n = 0;
        try (Stream<User> users = store.streamAll()) {
            for (User u : (Iterable<User>) users::iterator) {
                sink.accept(u);
                n++;
            }
        }
        return n;
    }

    public Optional<UserWithPurchases> findWithPurchases(UserStore store, int k) {
        return store.findWithPurchases(data.id(pick(k)));
    }

    /** The sixth page of 20 users, each with their 10 purchases: 200 purchases in all. */
    public List<UserWithPurchases> pageWithPurchases(UserStore store) {
        return store.pageWithPurchases(5, PAGE_SIZE);
    }

    /** The ten biggest spenders of the second year. */
    public List<SpenderSummary> topSpenders(UserStore store) {
        return store.topSpenders(spendersSince, 10);
    }
}
