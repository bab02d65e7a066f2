package dev.fourways.db;

import java.util.Map;

/**
 * Which database to use, read from system properties:
 * {@code fourways.db} ({@code h2}, the default, {@code postgresql} or {@code mariadb}) and the
 * overrides {@code fourways.db.url}, {@code fourways.db.user}, {@code fourways.db.password}.
 *
 * @param database the kind of database, which picks the migrations and the driver properties
 * @param url      a JDBC URL
 * @param user     the user
 * @param password the password (empty for the local servers' trust authentication)
 */
public record DatabaseSettings(Database database, String url, String user, String password) {

    @Override
    public String toString() {
        return "DatabaseSettings[" + database.id() + " " + url + " as " + user + "]";
    }

    /** The settings from system properties, defaulting to H2 in memory. */
    public static DatabaseSettings fromSystemProperties() {
        return from(Map.copyOf(System.getProperties().entrySet().stream()
                .filter(e -> e.getKey() instanceof String && e.getValue() instanceof String)
                .collect(java.util.stream.Collectors.toMap(e -> (String) e.getKey(), e -> (String) e.getValue()))));
    }

    /** The settings from a map of the same keys as the system properties. */
    public static DatabaseSettings from(Map<String, String> properties) {
        Database database = Database.byId(properties.getOrDefault("fourways.db", "h2"));
        return new DatabaseSettings(database,
                properties.getOrDefault("fourways.db.url", database.defaultUrl()),
                properties.getOrDefault("fourways.db.user", database.defaultUser()),
                properties.getOrDefault("fourways.db.password", ""));
    }

    /** The same server with another URL (an isolated schema or database). */
    public DatabaseSettings withUrl(String newUrl) {
        return new DatabaseSettings(database, newUrl, user, password);
    }
}
