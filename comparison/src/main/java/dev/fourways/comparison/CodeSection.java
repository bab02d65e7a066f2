package dev.fourways.comparison;

/**
 * A piece of real source shown on a page, cut by name (never copied by hand).
 *
 * @param title    what it is, for the reader ("the store's method", "UserMapper.xml: findById")
 * @param path     the file it was cut from, relative to the repository's root
 * @param language the Markdown fence's language ({@code java}, {@code xml})
 * @param code     the lines as they are in the file, common indentation removed
 * @param helper   true for code the operation relies on but a reader may skip (private helpers
 *                 shared by many operations): the page folds it away
 */
public record CodeSection(String title, String path, String language, String code, boolean helper) {
}
