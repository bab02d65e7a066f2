package dev.fourways.declarative;

import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import java.util.Set;
import javax.sql.DataSource;

class HibernateUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource) {
        return new HibernateUserStoreProvider().open(dataSource);
    }

    /**
     * Hibernate throws {@code TransactionRequiredException} outside a transaction for a mutation
     * query ({@code delete}, {@code cancelPurchasesPlacedBefore}) and for a stateful flush
     * ({@code addPurchase}); see {@link HibernateUserStore}'s Javadoc.
     */
    @Override
    protected Set<String> operationsInTransaction() {
        return Set.of("delete", "addPurchase", "cancelPurchasesPlacedBefore");
    }
}
