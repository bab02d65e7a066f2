package dev.fourways.bench;

import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseChange;
import dev.fourways.domain.PurchaseChanges;
import dev.fourways.domain.PurchaseStatus;
import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The aggregate writes' arguments, the same for the benchmark methods and for the census and
 * fairness calls of {@link Operations}: a graph of one user and {@value DataSet#PURCHASES_PER_USER}
 * purchases, and the peers' "update a one-to-many relation: add two children, update two and
 * delete one, all at once".
 */
final class AggregateShapes {

    private static final PurchaseStatus[] STATUSES = PurchaseStatus.values();

    private AggregateShapes() {
    }

    /** {@value DataSet#PURCHASES_PER_USER} new purchases for call {@code n}: amounts and statuses vary, placed a minute apart. */
    static List<NewPurchase> purchases(long n) {
        return IntStream.range(0, DataSet.PURCHASES_PER_USER).mapToObj(j -> purchase(n, j)).toList();
    }

    /**
     * Adds two purchases, changes the amount and status of the first two of {@code current}, and
     * removes its third.
     *
     * @param current the user's purchases as stored, at least 3
     * @param n       the call number, which varies the new amounts
     */
    static PurchaseChanges addTwoChangeTwoRemoveOne(List<Purchase> current, long n) {
        if (current.size() < 3) {
            throw new IllegalArgumentException("current: needs at least 3 purchases, has " + current.size());
        }
        List<PurchaseChange> change = current.subList(0, 2).stream()
                .map(p -> new PurchaseChange(p.id(), p.amount().add(BigDecimal.ONE), STATUSES[(p.status().ordinal() + 1) % STATUSES.length]))
                .toList();
        return new PurchaseChanges(List.of(purchase(n, 0), purchase(n, 1)), change, List.of(current.get(2).id()));
    }

    private static NewPurchase purchase(long n, int j) {
        return new NewPurchase(BigDecimal.valueOf(100 + (n * 7 + j * 13) % 90_000, 2), STATUSES[(int) ((n + j) % STATUSES.length)],
                DataSet.BASE.plus(n % 100_000, ChronoUnit.MINUTES).plusSeconds(j));
    }
}
