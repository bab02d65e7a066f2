package dev.fourways.schemachange;

/**
 * What one unchanged style did on a schema with one step applied.
 *
 * @param style  the provider's name ({@code jdbc}, {@code hibernate}, ...)
 * @param step   the schema step applied
 * @param caught when the missing change showed
 * @param where  the operation that failed ({@code FIRST_QUERY}), or what was checked ({@code NEVER_*})
 * @param detail the first line of the error, or of what was lost; empty when nothing was
 */
public record Observation(String style, SchemaStep step, Caught caught, String where, String detail) {
}
