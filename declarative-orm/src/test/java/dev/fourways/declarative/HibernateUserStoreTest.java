package dev.fourways.declarative;

import dev.fourways.StoreSettings;
import dev.fourways.UserStore;
import dev.fourways.contract.UserStoreContract;
import java.util.Set;
import javax.sql.DataSource;

class HibernateUserStoreTest extends UserStoreContract {

    @Override
    protected UserStore createStore(DataSource dataSource, StoreSettings settings) {
        return new HibernateUserStoreProvider().open(dataSource, settings);
    }

    /**
     * Hibernate throws {@code TransactionRequiredException} outside a transaction for a mutation
     * query ({@code delete}, {@code cancelPurchasesPlacedBefore}) and for a stateful flush
     * ({@code addPurchase}); see {@link HibernateUserStore}'s Javadoc. {@code upsert} is a mutation
     * query and a read of the row it wrote, which must see that very version.
     */
    @Override
    protected Set<String> operationsInTransaction() {
        return Set.of("delete", "addPurchase", "cancelPurchasesPlacedBefore", "upsert");
    }
}
