package dev.fourways.bench;

import dev.fourways.UserStore;
import dev.fourways.domain.Page;
import dev.fourways.domain.PurchaseWithUser;
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
 * statement census ask exactly the same questions, the same sequence for every store.
 *
 * <p>Every read takes the call number {@code k} and draws its arguments from a fixed sequence in
 * which two consecutive calls never ask the same question: ids and usernames from a seeded
 * pseudo-random sequence, page numbers, keyset cursors, search terms and dates from short cycles.
 * A database that keeps the last result of a statement (H2 reuses it when the SQL, the
 * parameters and the tables are unchanged: {@code OPTIMIZE_REUSE_RESULTS}) would otherwise answer
 * a repeated read from memory, and the benchmark would time a cache lookup instead of the query.
 * {@code WorkloadTest} checks it for every read.
 */
public final class Workload {

    /** Rows per page in every paged benchmark. */
    public static final int PAGE_SIZE = 20;
    private static final int PICKS = 4096;
    /** Pages cycled through by each paged read; a step coprime with it visits every one. */
    private static final int PAGES = 64;
    private static final int STEP = 37;
    /** Shallow pages: the first five, as after a few clicks. */
    private static final int SHALLOW_PAGES = 5;
    /** Pages for pageWithPurchases: the first 50 (the first 1,000 users). */
    private static final int GRAPH_PAGES = 50;
    private static final int SPENDER_DAYS = 30;
    private static final int SEARCH_DAYS = 7;

    private final DataSet data;
    private final int[] picks;
    private final int deepPage;
    private final Instant spendersSince = DataSet.BASE.plus(365, ChronoUnit.DAYS);

    public Workload(DataSet data) {
        this.data = data;
        this.picks = picks(data.size());
        // "Deep" is about 90 % of the way through the users: where offset paging has to skip most
        // rows. The deep pages are the PAGES pages around there (84-96 % of 10,000 users).
        int lastPage = Math.max(0, (data.size() - 1) / PAGE_SIZE);
        this.deepPage = Math.max(0, Math.min(lastPage - PAGES + 1, data.size() * 9 / 10 / PAGE_SIZE - PAGES / 2));
    }

    /** A seeded pseudo-random sequence of seeded-user indexes in which no index follows itself. */
    private static int[] picks(int size) {
        Random random = new Random(7);
        int[] picks = new int[PICKS];
        for (int k = 0; k < PICKS; k++) {
            do {
                picks[k] = random.nextInt(size);
            } while (size > 1 && (picks[k] == picks[(k + PICKS - 1) % PICKS] || k > 0 && picks[k] == picks[k - 1]));
        }
        return picks;
    }

    /** The data set this workload reads. */
    public DataSet data() {
        return data;
    }

    /** The index of the seeded user for call number {@code k}: a fixed pseudo-random sequence. */
    public int pick(int k) {
        return picks[Math.floorMod(k, PICKS)];
    }

    /** Call {@code k}'s position in a cycle of {@code n}: visits all of them, never the same twice in a row (n > 1). */
    private static int cycle(int k, int n) {
        if (n <= 1) {
            return 0;
        }
        long step = STEP % n == 0 ? 1 : STEP;
        return (int) Math.floorMod(k * step, n);
    }

    public Optional<User> findById(UserStore store, int k) {
        return store.findById(data.id(pick(k)));
    }

    public Optional<User> findByUsername(UserStore store, int k) {
        return store.findByUsername(data.username(pick(k)));
    }

    /** {@code count()} takes no argument; on H2 the benchmark databases keep no result to reuse. */
    public long count(UserStore store) {
        return store.count();
    }

    /** One of the first five pages: what a user sees after a few clicks. */
    public Page<User> pageShallow(UserStore store, int k) {
        return store.page(cycle(k, SHALLOW_PAGES), PAGE_SIZE);
    }

    /** A page about 90 % of the way through: the database skips (reads and drops) 9 users in 10. */
    public Page<User> pageDeep(UserStore store, int k) {
        return store.page(deepPage(k), PAGE_SIZE);
    }

    /** The same 20 users as {@link #pageDeep} for the same {@code k}, by keyset: an index seek, whatever the depth. */
    public List<User> listAfterDeep(UserStore store, int k) {
        int first = deepPage(k) * PAGE_SIZE;
        return store.listAfter(first == 0 ? null : data.username(first - 1), PAGE_SIZE);
    }

    private int deepPage(int k) {
        int available = Math.min(PAGES, Math.max(1, (data.size() + PAGE_SIZE - 1) / PAGE_SIZE - deepPage));
        return deepPage + cycle(k, available);
    }

    /**
     * Three criteria (a LIKE on the username, a LIKE on the e-mail's domain, a time range), newest
     * first, 50 rows: the digit, the domain and the start date change with every call.
     */
    public List<User> search(UserStore store, int k) {
        return store.search(searchQuery(k));
    }

    UserQuery searchQuery(int k) {
        int i = Math.floorMod(k, 10 * DataSet.DOMAINS.length * SEARCH_DAYS);
        return UserQuery.builder()
                .usernameContains(String.valueOf(i % 10))
                .emailDomain(DataSet.DOMAINS[i / 10 % DataSet.DOMAINS.length])
                .createdFrom(DataSet.BASE.plusSeconds(data.size() / 4 * DataSet.CREATED_STEP_SECONDS)
                        .plus(i % SEARCH_DAYS, ChronoUnit.DAYS))
                .sort(UserQuery.Sort.CREATED_DESC)
                .limit(50)
                .build();
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

    /** A random seeded purchase with its user (many-to-one), by the same random picks as the user reads. */
    public Optional<PurchaseWithUser> findPurchase(UserStore store, int k) {
        return store.findPurchase(data.purchaseId(Math.floorMod(pick(k) * DataSet.PURCHASES_PER_USER + k, data.purchaseCount())));
    }

    /** One of the first 50 pages of 20 users, each with their 10 purchases: 200 purchases in all. */
    public List<UserWithPurchases> pageWithPurchases(UserStore store, int k) {
        int pages = Math.max(1, Math.min(GRAPH_PAGES, (data.size() + PAGE_SIZE - 1) / PAGE_SIZE));
        return store.pageWithPurchases(cycle(k, pages), PAGE_SIZE);
    }

    /** The ten biggest spenders since a day in the second year (one of 30 days, one after another). */
    public List<SpenderSummary> topSpenders(UserStore store, int k) {
        return store.topSpenders(spendersSince.plus(cycle(k, SPENDER_DAYS), ChronoUnit.DAYS), 10);
    }
}
