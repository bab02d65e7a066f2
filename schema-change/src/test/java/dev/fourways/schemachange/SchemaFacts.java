package dev.fourways.schemachange;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.ForeignKey;
import org.jooq.Index;
import org.jooq.Key;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.UniqueKey;

/**
 * A schema as a sorted set of one-line facts, so that two descriptions of it (jOOQ's generated
 * classes, the live database's metadata as jOOQ reads it) can be compared as sets. Names are
 * lower case. Facts: {@code column users.email varchar(120) not null}, {@code primary key
 * users(id)}, {@code unique users(email)}, {@code foreign key purchases(user_id) -> users},
 * {@code index purchases(user_id, placed_at)}. Column defaults are left out (a sequence default is
 * rendered differently by each database); an index on exactly the columns of a key is left out
 * too, because some databases create one for every key and others do not.
 */
public final class SchemaFacts {

    private SchemaFacts() {
    }

    /** The facts of these tables; tables whose name is not in {@code names} are ignored. */
    public static SortedSet<String> of(Collection<? extends Table<?>> tables, Set<String> names) {
        SortedSet<String> facts = new TreeSet<>();
        for (Table<?> table : tables) {
            String t = lower(table.getName());
            if (!names.contains(t)) {
                continue;
            }
            facts.add("table " + t);
            for (Field<?> field : table.fields()) {
                facts.add("column " + t + "." + lower(field.getName()) + " " + type(field.getDataType()));
            }
            List<String> keyColumns = new ArrayList<>();
            UniqueKey<?> primary = table.getPrimaryKey();
            if (primary != null) {
                facts.add("primary key " + t + columns(primary));
                keyColumns.add(columns(primary));
            }
            for (UniqueKey<?> key : table.getUniqueKeys()) {
                if (primary == null || !columns(key).equals(columns(primary))) {
                    facts.add("unique " + t + columns(key));
                    keyColumns.add(columns(key));
                }
            }
            for (ForeignKey<?, ?> fk : table.getReferences()) {
                facts.add("foreign key " + t + columns(fk) + " -> " + lower(fk.getKey().getTable().getName()));
                keyColumns.add(columns(fk));
            }
            for (Index index : table.getIndexes()) {
                String cols = index.getFields().stream().map(SortField::getName).map(SchemaFacts::lower)
                        .collect(Collectors.joining(", ", "(", ")"));
                if (!keyColumns.contains(cols)) {
                    facts.add((index.getUnique() ? "unique index " : "index ") + t + cols);
                }
            }
        }
        return facts;
    }

    /** Type name with length or precision and scale, and nullability: {@code decimal(9, 2) not null}. */
    static String type(DataType<?> type) {
        DataType<?> sql = type.getSQLDataType() == null ? type : type.getSQLDataType();
        // Sizes from the type itself: its SQL data type is the bare type, without them.
        String size = type.hasLength() && type.length() > 0 ? "(" + type.length() + ")"
                : type.hasPrecision() && type.precision() > 0 && type.hasScale() ? "(" + type.precision() + ", " + type.scale() + ")"
                : type.hasPrecision() && type.precision() > 0 && !type.isDateTime() ? "(" + type.precision() + ")"
                : "";
        // sql-layer's forced type INSTANT is jOOQ's name for TIMESTAMP WITH TIME ZONE read and bound
        // at UTC; the column type is the same, so it is compared as that. A database column of any
        // other type still differs.
        // NUMERIC and DECIMAL are one type in H2, PostgreSQL and MariaDB; PostgreSQL reports the first.
        String name = sql.getType() == java.time.Instant.class ? "timestamp with time zone"
                : lower(sql.getTypeName()).equals("numeric") ? "decimal" : lower(sql.getTypeName());
        return name + size + (type.nullable() ? " null" : " not null");
    }

    private static String columns(Key<?> key) {
        return key.getFields().stream().map(Field::getName).map(SchemaFacts::lower)
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * The differences between two fact sets, as {@code "only in <leftName>: fact"} and
     * {@code "only in <rightName>: fact"}, sorted.
     */
    public static SortedSet<String> diff(String leftName, Set<String> left, String rightName, Set<String> right) {
        SortedSet<String> out = new TreeSet<>();
        left.stream().filter(f -> !right.contains(f)).forEach(f -> out.add("only in " + leftName + ": " + f));
        right.stream().filter(f -> !left.contains(f)).forEach(f -> out.add("only in " + rightName + ": " + f));
        return out;
    }
}
