package dev.fourways;

import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.Page;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseWithUser;
import dev.fourways.domain.SpenderSummary;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.domain.UserWithPurchases;
import dev.fourways.domain.Validation;
import dev.fourways.error.SqlErrorTranslator;
import dev.fourways.error.StoreException;
import dev.fourways.error.UserNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The contract's duties, written once and applied around every style's store, so that each store
 * holds only its library's code. {@link UserStoreProvider#open} returns one of these around the
 * store its {@link UserStoreProvider#newStore} builds; every style, the JDBC floor included, pays
 * the same few checks, so they cancel out of the benchmark ratios.
 *
 * <p>What it does before and after each call, in this order:
 * <ol>
 *   <li><b>Validates and normalises the arguments</b> with {@link Validation}, before any SQL is
 *       sent: an invalid value raises {@link IllegalArgumentException} naming the field. The store
 *       receives them normalised: usernames, e-mails and the {@code listAfter} cursor in lower
 *       case, instants truncated to the microsecond.</li>
 *   <li><b>Refuses calls after {@link #close()}</b> with {@link IllegalStateException}; closes the
 *       store once, however often {@code close()} is called.</li>
 *   <li><b>Translates failures</b>: a {@link StoreException} the store raised (its library's own
 *       translation, such as jOOQ's {@code ExecuteListener}, or an optimistic-lock or not-found
 *       check) passes through; any other {@link RuntimeException} goes to
 *       {@link SqlErrorTranslator#translate(String, RuntimeException)}, which reads the
 *       {@code SQLException} in its causes and keeps the library's exception as the cause.</li>
 *   <li><b>Names the missing user</b>: when {@code addPurchase}'s foreign key refuses the row,
 *       the {@link UserNotFoundException} says which id.</li>
 *   <li><b>Translates errors while a stream is read</b>: {@code streamAll}'s rows are fetched as
 *       they are consumed, so a failure can come from any {@code tryAdvance}; closing the stream
 *       closes the store's stream, which releases its connection.</li>
 *   <li><b>Keeps the rules of a unit of work</b> ({@link UserStore#inUnitOfWork}): hands the work
 *       a guard around the store's unit, which refuses calls after the unit ended or after a call
 *       failed, refuses {@code close()} and nesting, and closes the streams left open; when a call
 *       failed, it makes the unit roll back even if the work caught the failure; and it lets the
 *       work's own exception through untranslated.</li>
 * </ol>
 * What the store may therefore assume is written on {@link UserStoreProvider#newStore}.
 */
public final class GuardedUserStore implements UserStore {

    private final UserStore store;
    private final String style;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The unit of work this guard belongs to, or null for the store itself. */
    private final Unit unit;

    /**
     * @param style the style's name, for the closed-store message
     * @param store the style's own store; closed by {@link #close()}
     */
    public GuardedUserStore(String style, UserStore store) {
        this.style = Validation.require("style", style);
        this.store = Validation.require("store", store);
        this.unit = null;
    }

    /** The guard handed to a unit's work, around the store's unit. */
    private GuardedUserStore(String style, UserStore unitStore, Unit unit) {
        this.style = style;
        this.store = unitStore;
        this.unit = unit;
    }

    @Override
    public User create(NewUser user) {
        Validation.require("user", user);
        return call("create", () -> store.create(user));
    }

    @Override
    public List<User> createAll(List<NewUser> users) {
        Validation.requireEach("users", users);
        return call("createAll", () -> users.isEmpty() ? List.of() : store.createAll(users));
    }

    @Override
    public Optional<User> findById(long id) {
        return call("findById", () -> store.findById(id));
    }

    @Override
    public Optional<User> findByUsername(String username) {
        String name = Validation.username("username", username);
        return call("findByUsername", () -> store.findByUsername(name));
    }

    @Override
    public long count() {
        return call("count", store::count);
    }

    @Override
    public Page<User> page(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        return call("page", () -> store.page(pageNumber, pageSize));
    }

    @Override
    public List<User> listAfter(String afterUsername, int limit) {
        Validation.pageSize("limit", limit);
        String after = Validation.cursor("afterUsername", afterUsername);
        return call("listAfter", () -> store.listAfter(after, limit));
    }

    @Override
    public List<User> search(UserQuery query) {
        Validation.require("query", query);
        return call("search", () -> store.search(query));
    }

    @Override
    public Stream<User> streamAll() {
        Stream<User> rows = call("streamAll", store::streamAll);
        Stream<User> guarded = StreamSupport.stream(new TranslatingRows(rows.spliterator()), false)
                .onClose(() -> translating("streamAll", () -> {
                    rows.close();
                    return null;
                }));
        if (unit != null) {
            unit.streams.add(guarded);
        }
        return guarded;
    }

    @Override
    public User changeEmail(long id, long expectedVersion, String newEmail) {
        String email = Validation.email("newEmail", newEmail);
        return call("changeEmail", () -> store.changeEmail(id, expectedVersion, email));
    }

    @Override
    public boolean delete(long id) {
        return call("delete", () -> store.delete(id));
    }

    @Override
    public Purchase addPurchase(long userId, NewPurchase purchase) {
        Validation.require("purchase", purchase);
        return call("addPurchase", () -> {
            try {
                return translating("addPurchase", () -> store.addPurchase(userId, purchase));
            } catch (UserNotFoundException e) {
                // The foreign key refused the row; the database's message names the constraint, not the user.
                throw new UserNotFoundException("no user with id " + userId, e.getCause());
            }
        });
    }

    @Override
    public Optional<UserWithPurchases> findWithPurchases(long userId) {
        return call("findWithPurchases", () -> store.findWithPurchases(userId));
    }

    @Override
    public Optional<PurchaseWithUser> findPurchase(long purchaseId) {
        return call("findPurchase", () -> store.findPurchase(purchaseId));
    }

    @Override
    public List<UserWithPurchases> pageWithPurchases(int pageNumber, int pageSize) {
        Validation.pageNumber("pageNumber", pageNumber);
        Validation.pageSize("pageSize", pageSize);
        return call("pageWithPurchases", () -> store.pageWithPurchases(pageNumber, pageSize));
    }

    @Override
    public int cancelPurchasesPlacedBefore(Instant cutoff) {
        Instant before = Validation.instant("cutoff", cutoff);
        return call("cancelPurchasesPlacedBefore", () -> store.cancelPurchasesPlacedBefore(before));
    }

    @Override
    public List<SpenderSummary> topSpenders(Instant since, int limit) {
        Instant from = Validation.instant("since", since);
        Validation.pageSize("limit", limit);
        return call("topSpenders", () -> store.topSpenders(from, limit));
    }

    @Override
    public UserWithPurchases createWithPurchases(NewUser user, List<NewPurchase> purchases) {
        Validation.require("user", user);
        List<NewPurchase> children = List.copyOf(Validation.requireEach("purchases", purchases));
        if (children.size() > PurchaseChanges.MAX_CHILDREN) {
            throw new IllegalArgumentException("purchases: at most " + PurchaseChanges.MAX_CHILDREN
                    + " per call, was " + children.size());
        }
        return call("createWithPurchases", () -> store.createWithPurchases(user, children));
    }

    @Override
    public UserWithPurchases changePurchases(long userId, long expectedVersion, PurchaseChanges changes) {
        Validation.require("changes", changes);
        return call("changePurchases", () -> store.changePurchases(userId, expectedVersion, changes));
    }

    @Override
    public User mergeUsers(long keepId, long removeId) {
        Validation.distinct("removeId", keepId, removeId);
        return call("mergeUsers", () -> store.mergeUsers(keepId, removeId));
    }

    @Override
    public User upsert(NewUser user) {
        Validation.require("user", user);
        return call("upsert", () -> store.upsert(user));
    }

    @Override
    public List<Purchase> claimPaidPurchases(int limit) {
        Validation.pageSize("limit", limit);
        return call("claimPaidPurchases", () -> store.claimPaidPurchases(limit));
    }

    @Override
    public <R> R inUnitOfWork(Function<? super UserStore, ? extends R> work) {
        Validation.require("work", work);
        if (unit != null) {
            throw new IllegalStateException("units of work do not nest: call the store handed to this unit directly");
        }
        Unit current = new Unit();
        try {
            return call("inUnitOfWork", () -> store.inUnitOfWork(unitStore -> current.run(
                    new GuardedUserStore(style, unitStore, current), work)));
        } catch (RuntimeException | Error e) {
            // The store rolled back; the caller gets what the work threw (or the call that doomed
            // the unit), not the translation of it.
            if (current.failure instanceof Error error) {
                throw error;
            }
            if (current.failure instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Closes the style's store the first time; later calls do nothing.
     *
     * @throws IllegalStateException on the store handed to a unit of work, which ends with its work
     */
    @Override
    public void close() {
        if (unit != null) {
            throw new IllegalStateException("a unit of work's store closes when its work returns");
        }
        if (closed.compareAndSet(false, true)) {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "GuardedUserStore[" + style + "]";
    }

    private <T> T call(String operation, Supplier<T> work) {
        if (closed.get()) {
            throw new IllegalStateException("this " + style + " store is closed");
        }
        if (unit == null) {
            return translating(operation, work);
        }
        unit.checkUsable(operation);
        try {
            return translating(operation, work);
        } catch (RuntimeException e) {
            unit.doom(e);
            throw e;
        }
    }

    /**
     * One unit of work's state, shared by the guard handed to its work: whether it ended, the
     * first failed call (which dooms it), the streams it opened.
     */
    private static final class Unit {

        private boolean ended;
        private RuntimeException doomedBy;
        /** What {@code inUnitOfWork} throws: the work's exception, or the call that doomed the unit. */
        private Throwable failure;
        private final List<Stream<User>> streams = new ArrayList<>();

        /** Runs the work inside the store's unit; throwing makes the store roll back. */
        <R> R run(GuardedUserStore guard, Function<? super UserStore, ? extends R> work) {
            try {
                R result = work.apply(guard);
                closeStreams();
                if (doomedBy != null) {
                    failure = doomedBy;
                    throw doomedBy;
                }
                return result;
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
                try {
                    closeStreams();
                } catch (RuntimeException onClose) {
                    e.addSuppressed(onClose);
                }
                throw e;
            } finally {
                ended = true;
            }
        }

        void checkUsable(String operation) {
            if (ended) {
                throw new IllegalStateException(operation + ": this unit of work has ended");
            }
            if (doomedBy != null) {
                throw new IllegalStateException(operation + ": an earlier call of this unit of work failed, "
                        + "so the unit will roll back", doomedBy);
            }
        }

        void doom(RuntimeException e) {
            if (doomedBy == null) {
                doomedBy = e;
            }
        }

        private void closeStreams() {
            List<Stream<User>> open = List.copyOf(streams);
            streams.clear();
            for (Stream<User> stream : open) {
                stream.close();
            }
        }
    }

    private static <T> T translating(String operation, Supplier<T> work) {
        try {
            return work.get();
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw SqlErrorTranslator.translate(operation, e);
        }
    }

    /**
     * The store's rows, with a failure while fetching one translated. The caller's action runs
     * outside the {@code try}, so an exception it throws reaches the caller unchanged.
     */
    private final class TranslatingRows extends Spliterators.AbstractSpliterator<User> implements Consumer<User> {

        private final Spliterator<User> source;
        private User next;

        TranslatingRows(Spliterator<User> source) {
            super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
            this.source = source;
        }

        @Override
        public boolean tryAdvance(Consumer<? super User> action) {
            if (unit != null && unit.ended) {
                throw new IllegalStateException("streamAll: this unit of work has ended, and closed its stream");
            }
            boolean advanced = translating("streamAll", () -> source.tryAdvance(this));
            if (advanced) {
                User row = next;
                next = null;
                action.accept(row);
            }
            return advanced;
        }

        @Override
        public void accept(User row) {
            next = row;
        }
    }
}
