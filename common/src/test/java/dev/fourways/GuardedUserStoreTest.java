package dev.fourways;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.NewUser;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseStatus;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import dev.fourways.error.DuplicateUserException;
import dev.fourways.error.StoreException;
import dev.fourways.error.UserNotFoundException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard's duties, against a scripted store (a {@link Proxy}) that records what reaches it.
 * The contract suite checks the same duties through every real store; this test pins the guard's
 * own rules: what reaches the store, which exceptions pass and which are translated.
 */
class GuardedUserStoreTest {

    private static final Instant T = Instant.parse("2024-05-01T10:15:30.123456789Z");
    private static final NewUser USER = NewUser.of("alice", "alice@example.com");
    private static final NewPurchase PURCHASE = new NewPurchase(new BigDecimal("9.99"), PurchaseStatus.NEW, T);

    /** Every operation, called with valid arguments. */
    static Stream<Named> everyOperation() {
        return Stream.of(
                op("create", s -> s.create(USER)),
                op("createAll", s -> s.createAll(List.of(USER))),
                op("findById", s -> s.findById(1)),
                op("findByUsername", s -> s.findByUsername("alice")),
                op("count", UserStore::count),
                op("page", s -> s.page(0, 20)),
                op("listAfter", s -> s.listAfter("alice", 20)),
                op("search", s -> s.search(UserQuery.builder().build())),
                op("streamAll", s -> s.streamAll().close()),
                op("changeEmail", s -> s.changeEmail(1, 0, "a@example.com")),
                op("delete", s -> s.delete(1)),
                op("addPurchase", s -> s.addPurchase(1, PURCHASE)),
                op("findWithPurchases", s -> s.findWithPurchases(1)),
                op("findPurchase", s -> s.findPurchase(1)),
                op("pageWithPurchases", s -> s.pageWithPurchases(0, 20)),
                op("cancelPurchasesPlacedBefore", s -> s.cancelPurchasesPlacedBefore(T)),
                op("topSpenders", s -> s.topSpenders(T, 10)),
                op("mergeUsers", s -> s.mergeUsers(1, 2)),
                op("upsert", s -> s.upsert(USER)),
                op("claimPaidPurchases", s -> s.claimPaidPurchases(10)),
                op("createWithPurchases", s -> s.createWithPurchases(USER, List.of(PURCHASE))),
                op("changePurchases", s -> s.changePurchases(1, 0, PurchaseChanges.adding(List.of(PURCHASE)))));
    }

    /** Every operation that takes an argument the guard checks, called with an invalid one. */
    static Stream<Named> everyInvalidCall() {
        return Stream.of(
                op("create(null)", s -> s.create(null)),
                op("createAll(null element)", s -> s.createAll(Arrays.asList(USER, null))),
                op("findByUsername('a b')", s -> s.findByUsername("a b")),
                op("page(-1, 20)", s -> s.page(-1, 20)),
                op("page(0, 0)", s -> s.page(0, 0)),
                op("listAfter(null, 1001)", s -> s.listAfter(null, 1001)),
                op("search(null)", s -> s.search(null)),
                op("changeEmail(no @)", s -> s.changeEmail(1, 0, "nobody")),
                op("addPurchase(null)", s -> s.addPurchase(1, null)),
                op("pageWithPurchases(0, 1001)", s -> s.pageWithPurchases(0, 1001)),
                op("cancelPurchasesPlacedBefore(null)", s -> s.cancelPurchasesPlacedBefore(null)),
                op("topSpenders(T, 0)", s -> s.topSpenders(T, 0)),
                op("mergeUsers(1, 1)", s -> s.mergeUsers(1, 1)),
                op("upsert(null)", s -> s.upsert(null)),
                op("claimPaidPurchases(0)", s -> s.claimPaidPurchases(0)),
                op("claimPaidPurchases(-1)", s -> s.claimPaidPurchases(-1)),
                op("claimPaidPurchases(1001)", s -> s.claimPaidPurchases(1001)),
                op("claimPaidPurchases(Integer.MIN_VALUE)", s -> s.claimPaidPurchases(Integer.MIN_VALUE)),
                op("createWithPurchases(null user)", s -> s.createWithPurchases(null, List.of())),
                op("createWithPurchases(null list)", s -> s.createWithPurchases(USER, null)),
                op("createWithPurchases(null element)", s -> s.createWithPurchases(USER, Arrays.asList(PURCHASE, null))),
                op("createWithPurchases(1,001 purchases)", s -> s.createWithPurchases(USER,
                        java.util.Collections.nCopies(PurchaseChanges.MAX_CHILDREN + 1, PURCHASE))),
                op("changePurchases(null)", s -> s.changePurchases(1, 0, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyInvalidCall")
    void invalidArgumentsNeverReachTheStore(Named call) {
        Scripted store = new Scripted((method, args) -> null);
        UserStore guarded = new GuardedUserStore("scripted", store.proxy());

        assertThatThrownBy(() -> call.action().accept(guarded)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.calls).as("calls that reached the store").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOperation")
    void everyOperationIsRefusedAfterClose(Named call) {
        Scripted store = new Scripted((method, args) -> null);
        UserStore guarded = new GuardedUserStore("scripted", store.proxy());
        guarded.close();

        assertThatThrownBy(() -> call.action().accept(guarded))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("scripted store is closed");
        assertThat(store.calls).containsExactly("close");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOperation")
    void aLibraryFailureBecomesTheContractsExceptionWithTheLibrarysAsCause(Named call) {
        RuntimeException library = new RuntimeException("library failed",
                new SQLException("duplicate key violates users_email_uk", "23505"));
        UserStore guarded = new GuardedUserStore("scripted", new Scripted((method, args) -> {
            throw library;
        }).proxy());

        assertThatThrownBy(() -> call.action().accept(guarded))
                .isInstanceOf(DuplicateUserException.class)
                .hasCauseReference(library);
    }

    @Test
    void aStoreExceptionFromTheStorePassesUnchanged() {
        StoreException own = new StoreException("the store's own", null);
        UserStore guarded = new GuardedUserStore("scripted", new Scripted((method, args) -> {
            throw own;
        }).proxy());

        assertThatThrownBy(guarded::count).isSameAs(own);
    }

    @Test
    void closingTwiceClosesTheStoreOnce() {
        Scripted store = new Scripted((method, args) -> null);
        UserStore guarded = new GuardedUserStore("scripted", store.proxy());

        guarded.close();
        guarded.close();

        assertThat(store.calls).containsExactly("close");
    }

    @Test
    void theStoreReceivesNormalisedArguments() {
        Scripted store = new Scripted((method, args) -> method.equals("findByUsername") ? Optional.empty() : List.of());
        UserStore guarded = new GuardedUserStore("scripted", store.proxy());

        guarded.findByUsername("Alice.B");
        guarded.listAfter("Bob", 5);
        guarded.topSpenders(T, 5);
        List<User> none = guarded.createAll(List.of());

        assertThat(none).isEmpty();
        assertThat(store.arguments).containsExactly(
                List.of("alice.b"),
                List.of("bob", 5),
                List.of(Instant.parse("2024-05-01T10:15:30.123456Z"), 5));
    }

    @Test
    void aMissingUserInAddPurchaseIsNamed() {
        UserStore guarded = new GuardedUserStore("scripted", new Scripted((method, args) -> {
            throw new UserNotFoundException("the user does not exist: fk_purchases_user", null);
        }).proxy());

        assertThatThrownBy(() -> guarded.addPurchase(42, PURCHASE))
                .isInstanceOf(UserNotFoundException.class).hasMessage("no user with id 42");
    }

    @Nested
    class Streams {

        private final AtomicInteger closes = new AtomicInteger();

        private UserStore guardedOver(Stream<User> rows) {
            return new GuardedUserStore("scripted",
                    new Scripted((method, args) -> rows.onClose(closes::incrementAndGet)).proxy());
        }

        @Test
        void aFailureWhileFetchingARowIsTranslated() {
            RuntimeException library = new RuntimeException("fetch failed", new SQLException("invalid byte sequence for encoding", "22021"));
            Stream<User> failing = Stream.generate(() -> {
                throw library;
            });

            try (Stream<User> rows = guardedOver(failing).streamAll()) {
                assertThatThrownBy(() -> rows.findFirst())
                        .isExactlyInstanceOf(StoreException.class)
                        .hasMessageStartingWith("streamAll failed")
                        .hasCauseReference(library);
            }
        }

        @Test
        void aFailureInTheCallersActionReachesTheCallerUnchanged() {
            IllegalStateException callers = new IllegalStateException("the caller's own");
            User user = USER.toUser(1);

            try (Stream<User> rows = guardedOver(Stream.of(user, user)).streamAll()) {
                assertThatThrownBy(() -> rows.forEach(u -> {
                    throw callers;
                })).isSameAs(callers);
            }
        }

        @Test
        void closingTheStreamClosesTheStoresStreamOnceAndRowsArriveInOrder() {
            List<User> users = List.of(USER.toUser(1), USER.toUser(2), USER.toUser(3));

            Stream<User> rows = guardedOver(users.stream()).streamAll();
            assertThat(rows.toList()).isEqualTo(users);
            assertThat(closes).hasValue(0);
            rows.close();
            rows.close();

            assertThat(closes).hasValue(1);
        }
    }

    // ---- the scripted store ----

    record Named(String name, Consumer<UserStore> action) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Named op(String name, Consumer<UserStore> action) {
        return new Named(name, action);
    }

    @FunctionalInterface
    interface Script {
        Object answer(String method, Object[] args);
    }

    /** A store whose every method answers from a script, recording the calls and arguments. */
    private static final class Scripted {
        final List<String> calls = new ArrayList<>();
        final List<List<Object>> arguments = new ArrayList<>();
        private final Script script;

        Scripted(Script script) {
            this.script = script;
        }

        UserStore proxy() {
            InvocationHandler handler = (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return method.invoke(this, args);
                }
                calls.add(method.getName());
                if (method.getName().equals("close")) {
                    return null;
                }
                arguments.add(args == null ? List.of() : Arrays.asList(args));
                Object answer = script.answer(method.getName(), args);
                if (answer == null) {
                    return defaultFor(method.getReturnType());
                }
                return answer;
            };
            return (UserStore) Proxy.newProxyInstance(UserStore.class.getClassLoader(),
                    new Class<?>[] {UserStore.class}, handler);
        }

        private static Object defaultFor(Class<?> type) {
            if (type == long.class) {
                return 0L;
            }
            if (type == int.class) {
                return 0;
            }
            if (type == boolean.class) {
                return false;
            }
            if (type == Optional.class) {
                return Optional.empty();
            }
            if (type == List.class) {
                return List.of();
            }
            if (type == Stream.class) {
                return Stream.empty();
            }
            return null;
        }
    }
}
