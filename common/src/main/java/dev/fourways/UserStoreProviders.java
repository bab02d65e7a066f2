package dev.fourways;

import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the styles on the class path through {@link ServiceLoader}. */
public final class UserStoreProviders {

    private UserStoreProviders() {
    }

    /**
     * Every provider on the class path, {@code jdbc} first (the floor), then by name.
     *
     * @return possibly only {@code jdbc}, never empty while {@code common} is present
     */
    public static List<UserStoreProvider> all() {
        return ServiceLoader.load(UserStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing((UserStoreProvider p) -> !p.name().equals("jdbc"))
                        .thenComparing(UserStoreProvider::name))
                .toList();
    }

    /**
     * The provider with that name.
     *
     * @throws NoSuchElementException naming the ones found, when there is none by that name
     */
    public static UserStoreProvider byName(String name) {
        List<UserStoreProvider> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no UserStoreProvider named '" + name + "'; found: "
                        + all.stream().map(UserStoreProvider::name).collect(Collectors.joining(", "))));
    }
}
