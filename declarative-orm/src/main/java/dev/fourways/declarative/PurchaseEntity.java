package dev.fourways.declarative;

import dev.fourways.domain.NewPurchase;
import dev.fourways.domain.Purchase;
import dev.fourways.domain.PurchaseStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.ForeignKey;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import org.hibernate.annotations.JdbcType;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.OnDelete;
import org.hibernate.annotations.OnDeleteAction;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.jdbc.TimestampUtcAsOffsetDateTimeJdbcType;

/**
 * The {@code purchases} table, declared. It owns the association to its user (the
 * {@code user_id} foreign key).
 */
@Entity
@Table(name = "purchases")
public class PurchaseEntity {

    /** Pooled sequence ids, as for {@link UserEntity}. */
    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "purchases_seq")
    @SequenceGenerator(name = "purchases_seq", sequenceName = "purchases_seq", allocationSize = 50)
    private Long id;

    /**
     * LAZY: the JPA default for {@code @ManyToOne} is EAGER, which would load the user with every
     * purchase (an N+1 in waiting). {@code @OnDelete(CASCADE)} says the database's
     * {@code ON DELETE CASCADE} removes purchases with their user, so Hibernate never loads them
     * to delete them one by one.
     * https://docs.jboss.org/hibernate/orm/7.0/introduction/html_single/Hibernate_Introduction.html#many-to-one
     * https://docs.jboss.org/hibernate/orm/7.0/javadocs/org/hibernate/annotations/OnDelete.html
     */
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id", nullable = false, foreignKey = @ForeignKey(name = "purchases_user_fk"))
    @OnDelete(action = OnDeleteAction.CASCADE)
    private UserEntity user;

    @Column(name = "amount", precision = 9, scale = 2, nullable = false)
    private BigDecimal amount;

    // The schema stores the name in a varchar(16) with a check constraint. Without the explicit
    // VARCHAR, Hibernate would expect a native enum type on MariaDB and H2.
    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.VARCHAR)
    @Column(name = "status", length = 16, nullable = false)
    private PurchaseStatus status;

    // Bound as an OffsetDateTime at UTC, for the reason given on UserEntity.createdAt.
    @JdbcType(TimestampUtcAsOffsetDateTimeJdbcType.class)
    @Column(name = "placed_at", nullable = false)
    private Instant placedAt;

    /** For Hibernate. */
    protected PurchaseEntity() {
    }

    /**
     * A new, transient purchase.
     *
     * @param user the buyer; a reference ({@code Session.getReference}) is enough, nothing is loaded
     */
    PurchaseEntity(UserEntity user, NewPurchase purchase) {
        this.user = user;
        this.amount = purchase.amount();
        this.status = purchase.status();
        this.placedAt = purchase.placedAt();
    }

    Long getId() {
        return id;
    }

    /**
     * A new amount and status ({@code changePurchases}): dirty checking turns the assignment into
     * an update at flush; an unchanged value writes nothing.
     */
    void change(BigDecimal amount, PurchaseStatus status) {
        this.amount = amount;
        this.status = status;
    }

    /** The buyer: a proxy that loads on first use, unless the query join-fetched it. */
    UserEntity getUser() {
        return user;
    }

    /**
     * A copy of the row as the contract's record.
     *
     * @param userId the buyer's id, passed in so that the lazy {@link #user} is never touched
     */
    Purchase toPurchase(long userId) {
        return new Purchase(id, userId, amount, status, placedAt);
    }
}
