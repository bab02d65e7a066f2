package dev.fourways.mapperxml;

import dev.fourways.domain.NewUser;
import dev.fourways.domain.User;
import dev.fourways.domain.UserQuery;
import java.util.List;
import java.util.Optional;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.cursor.Cursor;

/**
 * The MyBatis mapper of the {@code users} table. Its SQL and result maps live in
 * {@code UserMapper.xml} at the same package path, whose {@code namespace} is this interface's full
 * name: MyBatis binds each method to the statement of the same id
 * (<a href="https://mybatis.org/mybatis-3/java-api.html">Java API, Mappers</a>).
 *
 * <p>A mapper is obtained from, and lives no longer than, one {@code SqlSession}.
 */
public interface UserMapper {

    /**
     * Takes values of {@code users_seq}, one row per value, in one round trip; each value v stands
     * for the ids {@code v-49..v} ({@code PooledIds}). The SQL differs per database
     * ({@code databaseId}). MyBatis fills an array return type from the rows as it fills a list.
     *
     * @param count how many values, 1 or more
     */
    long[] nextIdBlocks(@Param("count") int count);

    /** Inserts a user with its id already reserved; {@code version} is 0. @return rows inserted */
    int insert(User user);

    /** @return the user with that id, if any */
    Optional<User> findById(@Param("id") long id);

    /** @param username lower case, as stored */
    Optional<User> findByUsername(@Param("username") String username);

    /** @return the number of users */
    long count();

    /** Users in username order, {@code limit} of them after skipping {@code offset}. */
    List<User> page(@Param("limit") int limit, @Param("offset") long offset);

    /** Users whose username sorts after {@code after} (all of them when null), in username order. */
    List<User> listAfter(@Param("after") String after, @Param("limit") int limit);

    /** The dynamic query: only the criteria present in {@code query} appear in the SQL. */
    List<User> search(UserQuery query);

    /**
     * Every user by id, fetched lazily as the cursor is iterated. The cursor lives as long as its
     * session: close the session to release the connection.
     */
    Cursor<User> streamAll();

    /**
     * Sets the e-mail and bumps the version, only if the version is still {@code expectedVersion}.
     *
     * @return 1 when changed, 0 when the version moved on or the user is gone
     */
    int updateEmail(@Param("id") long id, @Param("expectedVersion") long expectedVersion, @Param("email") String email);

    /** Bumps a user's version by one. @return rows updated */
    int incrementVersion(@Param("id") long id);

    /**
     * The optimistic lock of {@code changePurchases}: bumps the version only if it is still
     * {@code expectedVersion}. Run in a {@code BATCH} session, it only queues the update and returns
     * {@code BatchExecutor.BATCH_UPDATE_RETURN_VALUE}; the row count (1 when bumped, 0 when the
     * version moved on or the user is gone) comes from the {@code BatchResult} of the next
     * {@code flushStatements()}.
     */
    int incrementVersionFrom(@Param("id") long id, @Param("expectedVersion") long expectedVersion);

    /** Deletes a user; the purchases go by the foreign key's cascade. @return rows deleted */
    int delete(@Param("id") long id);

    /**
     * Inserts the user, or updates the e-mail, display name and version of the user with that
     * username, in one statement that returns the row as stored ({@code RETURNING}). Defined for
     * PostgreSQL and MariaDB only ({@code databaseId}); on MariaDB the returned row is another
     * user's when the e-mail's unique key matched that user (whose row is left unchanged).
     */
    User upsert(NewUser user);

    /**
     * H2's upsert: {@code MERGE ... USING} on the username, without reading the row back. Defined
     * for H2 only ({@code databaseId}).
     *
     * @return rows inserted or updated (1)
     */
    int mergeByUsername(NewUser user);

    /**
     * Locks the users with these ids ({@code for update}), in id order so that two callers cannot
     * deadlock.
     *
     * @return the ids that exist
     */
    List<Long> lockByIds(@Param("ids") List<Long> ids);

    /** One user joined to its purchases, in one statement; the joined rows make one object. */
    Optional<UserWithPurchasesRow> findWithPurchases(@Param("id") long id);

    /** A page of users (username order) joined to their purchases, in one statement. */
    List<UserWithPurchasesRow> pageWithPurchases(@Param("limit") int limit, @Param("offset") long offset);
}
