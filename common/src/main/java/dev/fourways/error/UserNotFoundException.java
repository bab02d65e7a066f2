package dev.fourways.error;

/** The operation needs a user that does not exist (any more). */
public class UserNotFoundException extends StoreException {

    public UserNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return an exception saying that there is no user with that id */
    public static UserNotFoundException forId(long id) {
        return new UserNotFoundException("no user with id " + id, null);
    }
}
