package dev.fourways.growth.styles;

import java.util.List;
import org.hibernate.SessionFactory;

/** What the generated Hibernate model ({@code <base>.jpa.GrowthModel}) gives its start-up. */
public interface JpaModel {

    /** The n annotated entity classes, listed as an application lists them for {@code managedClasses}. */
    List<Class<?>> entities();

    /** Reads row 1 of the last table in a stateless session; returns its {@code code}. */
    String first(SessionFactory sessionFactory);
}
