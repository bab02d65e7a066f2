package dev.fourways.comparison;

/**
 * One operation of the {@code UserStore} contract, as read from its source.
 *
 * @param name      the method's name, which is also the page's name ({@code <name>.md})
 * @param signature the declaration as written, without the Javadoc (for example
 *                  {@code Optional<User> findById(long id)})
 * @param contract  the Javadoc turned into one Markdown paragraph: its description, then its
 *                  {@code @param}, {@code @return} and {@code @throws} tags
 */
public record Operation(String name, String signature, String contract) {
}
