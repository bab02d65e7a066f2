package dev.fourways.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link PurchaseChanges} and {@link PurchaseChange} refuse what no store could apply, naming the field. */
class PurchaseChangesTest {

    private static final NewPurchase NEW = new NewPurchase(new BigDecimal("1.00"), PurchaseStatus.NEW, Instant.EPOCH);
    private static final PurchaseChange CHANGE_1 = new PurchaseChange(1, new BigDecimal("2.00"), PurchaseStatus.PAID);

    static Stream<Arguments> refused() {
        List<NewPurchase> tooMany = Collections.nCopies(PurchaseChanges.MAX_CHILDREN - 1, NEW);
        return Stream.of(
                Arguments.of("add", (Executable) () -> new PurchaseChanges(null, List.of(), List.of())),
                Arguments.of("change", (Executable) () -> new PurchaseChanges(List.of(), null, List.of())),
                Arguments.of("remove", (Executable) () -> new PurchaseChanges(List.of(), List.of(), null)),
                Arguments.of("add[1]", (Executable) () -> new PurchaseChanges(Arrays.asList(NEW, null), List.of(), List.of())),
                Arguments.of("change[0]", (Executable) () -> new PurchaseChanges(List.of(), Arrays.asList((PurchaseChange) null), List.of())),
                Arguments.of("remove[2]", (Executable) () -> new PurchaseChanges(List.of(), List.of(), Arrays.asList(1L, 2L, null))),
                Arguments.of("change", (Executable) () -> new PurchaseChanges(List.of(), List.of(CHANGE_1, CHANGE_1), List.of())),
                Arguments.of("remove", (Executable) () -> new PurchaseChanges(List.of(), List.of(), List.of(5L, 5L))),
                Arguments.of("remove", (Executable) () -> new PurchaseChanges(List.of(), List.of(CHANGE_1), List.of(1L))),
                Arguments.of("add", (Executable) () -> new PurchaseChanges(tooMany, List.of(CHANGE_1), List.of(2L))),
                Arguments.of("amount", (Executable) () -> new PurchaseChange(1, new BigDecimal("0.00"), PurchaseStatus.NEW)),
                Arguments.of("amount", (Executable) () -> new PurchaseChange(1, new BigDecimal("1.001"), PurchaseStatus.NEW)),
                Arguments.of("amount", (Executable) () -> new PurchaseChange(1, new BigDecimal("1000000.01"), PurchaseStatus.NEW)),
                Arguments.of("amount", (Executable) () -> new PurchaseChange(1, null, PurchaseStatus.NEW)),
                Arguments.of("status", (Executable) () -> new PurchaseChange(1, BigDecimal.ONE, null)));
    }

    @ParameterizedTest(name = "{0}: {index}")
    @MethodSource("refused")
    void refusesWhatNoStoreCouldApplyNamingTheField(String field, Executable construction) {
        assertThatThrownBy(construction::execute).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(field);
    }

    @Test
    void acceptsExactlyTheLimitAndCopiesItsLists() {
        List<Long> remove = new java.util.ArrayList<>(LongStream.rangeClosed(2, PurchaseChanges.MAX_CHILDREN - 1).boxed().toList());
        PurchaseChanges changes = new PurchaseChanges(List.of(NEW), List.of(CHANGE_1), remove);
        remove.clear();

        assertThat(changes.add().size() + changes.change().size() + changes.remove().size()).isEqualTo(PurchaseChanges.MAX_CHILDREN);
        assertThatThrownBy(() -> changes.remove().add(7L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void namesTheFirstChangedThenRemovedIdThatTheUserDoesNotOwn() {
        List<Purchase> owned = List.of(stored(1, "1.00", 0), stored(2, "2.00", 0), stored(3, "3.00", 0));

        assertThat(new PurchaseChanges(List.of(NEW), List.of(CHANGE_1), List.of(2L, 3L)).firstNotAmong(owned)).isEmpty();
        assertThat(new PurchaseChanges(List.of(), List.of(CHANGE_1), List.of(9L, 8L)).firstNotAmong(owned)).contains(9L);
        assertThat(new PurchaseChanges(List.of(), List.of(CHANGE_1,
                new PurchaseChange(7, BigDecimal.TEN, PurchaseStatus.NEW)), List.of(8L)).firstNotAmong(owned)).contains(7L);
        assertThat(PurchaseChanges.none().firstNotAmong(List.of())).isEmpty();
    }

    @Test
    void appliedToWhatWasReadGivesWhatAReadGivesAfterwards() {
        List<Purchase> owned = List.of(stored(1, "1.00", 5), stored(2, "2.00", 1), stored(3, "3.00", 3), stored(4, "4.00", 3));
        PurchaseChanges changes = new PurchaseChanges(List.of(NEW), List.of(CHANGE_1), List.of(3L));
        List<Purchase> added = List.of(new Purchase(10, 9, new BigDecimal("1.00"), PurchaseStatus.NEW, Instant.EPOCH.plusSeconds(2)));

        assertThat(changes.applyTo(owned, added)).as("removed gone, changed changed, added in, ordered by placedAt then id")
                .containsExactly(stored(2, "2.00", 1), added.get(0), stored(4, "4.00", 3),
                        new Purchase(1, 9, new BigDecimal("2.00"), PurchaseStatus.PAID, Instant.EPOCH.plusSeconds(5)));
    }

    private static Purchase stored(long id, String amount, int second) {
        return new Purchase(id, 9, new BigDecimal(amount), PurchaseStatus.NEW, Instant.EPOCH.plusSeconds(second));
    }

    @Test
    void aChangeKeepsTheIdUserAndPlacedAtAndTakesTheScaleTwoAmount() {
        Purchase stored = new Purchase(1, 9, new BigDecimal("5.00"), PurchaseStatus.NEW, Instant.EPOCH);

        assertThat(new PurchaseChange(1, new BigDecimal("3.5"), PurchaseStatus.SHIPPED).applyTo(stored))
                .isEqualTo(new Purchase(1, 9, new BigDecimal("3.50"), PurchaseStatus.SHIPPED, Instant.EPOCH));
    }
}
