package dev.fourways.declarative;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.annotations.JdbcType;
import org.hibernate.type.descriptor.jdbc.TimestampUtcAsOffsetDateTimeJdbcType;

/**
 * The {@code users} table, declared: Hibernate reads these annotations once, at start-up, checks
 * them against the migrated schema ({@code hibernate.hbm2ddl.auto=validate}) and writes every
 * statement about users from them.
 *
 * <p>The entity never leaves {@link HibernateUserStore}: each call copies it into a
 * {@link User} record before its session closes, so no lazy collection or proxy escapes.
 */
@Entity
@Table(name = "users", uniqueConstraints = {
        // The names the shared SqlErrorTranslator reads to tell a duplicate username from an e-mail.
        @UniqueConstraint(name = "users_username_uk", columnNames = "username"),
        @UniqueConstraint(name = "users_email_uk", columnNames = "email")})
public class UserEntity {

    /**
     * A sequence with the pooled optimizer: one round trip reserves 50 ids (allocationSize must
     * equal the schema's INCREMENT BY 50; Hibernate checks it at start-up), and because the id is
     * known before the insert, inserts can be batched. An identity column would force one insert
     * per round trip.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#generated-identifiers
     */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "users_seq")
    @SequenceGenerator(name = "users_seq", sequenceName = "users_seq", allocationSize = 50)
    private Long id;

    @Column(name = "username", length = 50, nullable = false)
    private String username;

    @Column(name = "email", length = 120, nullable = false)
    private String email;

    // 100 characters; H2's column is varchar(200) because it counts UTF-16 units. Validation
    // compares types, not lengths, so one mapping fits all three databases.
    @Column(name = "display_name", length = 100)
    private String displayName;

    // An Instant is a UTC timestamp (timestamp with time zone on H2 and PostgreSQL, datetime(6)
    // on MariaDB). Hibernate's MariaDB dialect binds it with setTimestamp(..., UTC calendar),
    // and with the driver pinned to UTC the stored value came out shifted by the JVM zone's
    // offset (caught by the contract's Pacific/Chatham run). Binding an OffsetDateTime at UTC
    // (JDBC 4.2, as the plain-JDBC reference does) is right on all three databases.
    @JdbcType(TimestampUtcAsOffsetDateTimeJdbcType.class)
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    /** The optimistic lock: Hibernate adds {@code and version = ?} to every update and bumps it. */
    @Version
    @Column(name = "version", nullable = false)
    private long version;

    /**
     * The inverse side: {@link PurchaseEntity#user} owns the foreign key. Lazy (the default for
     * collections), so loading a user never loads purchases unless a query asks for them with
     * {@code join fetch}; ordered in SQL whenever it is fetched.
     *
     * <p>The user and its purchases are one aggregate for {@code createWithPurchases} and
     * {@code changePurchases}, written the way the Introduction writes a whole/part relationship:
     * {@code cascade = PERSIST} makes a purchase added to this list persistent with the user (at
     * {@code persist}, or at the flush for a managed user), and {@code orphanRemoval} deletes a
     * purchase removed from it at the flush. No other cascade: nothing here merges, refreshes or
     * detaches a user. Orphan removal also cascades {@code remove()} of the user to the purchases
     * this list holds; {@code mergeUsers} is written for that (see there).
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#cascade
     *
     * <p>A change to this list does not move the user's version: it is the inverse side
     * ({@code mappedBy}), and on Hibernate 7.4.13 adding and removing purchases here left the
     * version as it was. {@code changePurchases} therefore forces the increment itself, exactly
     * once per call.
     */
    @OneToMany(mappedBy = "user", cascade = CascadeType.PERSIST, orphanRemoval = true)
    @OrderBy("placedAt, id")
    private List<PurchaseEntity> purchases = new ArrayList<>();

    /** For Hibernate, which instantiates entities through a no-argument constructor. */
    protected UserEntity() {
    }

    /** A new, transient user from validated input; its id is assigned when it is inserted. */
    UserEntity(NewUser user) {
        this.username = user.username();
        this.email = user.email();
        this.displayName = user.displayName();
        this.createdAt = user.createdAt();
    }

    Long getId() {
        return id;
    }

    String getEmail() {
        return email;
    }

    long getVersion() {
        return version;
    }

    /** Dirty checking turns this assignment into an update at flush. */
    void setEmail(String email) {
        this.email = email;
    }

    /** Only meaningful when the purchases were fetched with the user (in the same session). */
    List<PurchaseEntity> getPurchases() {
        return purchases;
    }

    /** A copy of the row as the contract's record: safe to use after the session has closed. */
    User toUser() {
        return new User(id, username, email, displayName, createdAt, version);
    }
}
