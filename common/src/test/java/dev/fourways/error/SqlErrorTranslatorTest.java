package dev.fourways.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The messages below are the ones each database sends (seen in this project's test runs). */
class SqlErrorTranslatorTest {

    @Test
    void readsTheFieldFromH2sUniqueIndexName() {
        SQLException h2 = new SQLException("Unique index or primary key violation: \"PUBLIC.USERS_EMAIL_UK_INDEX_4 ON "
                + "PUBLIC.USERS(EMAIL NULLS FIRST) VALUES ( /* 1 */ 'a@b.c' )\"", "23505", 23505);

        assertThat(SqlErrorTranslator.translate("create", h2))
                .isInstanceOfSatisfying(DuplicateUserException.class,
                        e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.EMAIL))
                .hasCause(h2);
    }

    @Test
    void readsTheFieldFromPostgresqlsConstraintName() {
        SQLException pg = new SQLException("ERROR: duplicate key value violates unique constraint \"users_username_uk\"",
                "23505", 0);

        assertThat(SqlErrorTranslator.translate("create", pg)).isInstanceOfSatisfying(DuplicateUserException.class,
                e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.USERNAME));
    }

    @Test
    void readsTheFieldFromMariadbsKeyName() {
        SQLException maria = new SQLException("(conn=12) Duplicate entry 'x@y.z' for key 'users_email_uk'", "23000", 1062);

        assertThat(SqlErrorTranslator.translate("create", maria)).isInstanceOfSatisfying(DuplicateUserException.class,
                e -> assertThat(e.field()).isEqualTo(DuplicateUserException.Field.EMAIL));
    }

    @Test
    void findsTheCauseBehindABatchFailureAndALibraryWrapper() {
        SQLException real = new SQLException("duplicate key value violates unique constraint \"users_email_uk\"", "23505");
        BatchUpdateException batch = new BatchUpdateException("Batch entry 3 was aborted", "25P02", 0, new int[0]);
        batch.setNextException(real);
        RuntimeException library = new RuntimeException("library wrapper", batch);

        StoreException translated = SqlErrorTranslator.translate("createAll", library, batch);

        assertThat(translated).isInstanceOf(DuplicateUserException.class).hasCause(library);
    }

    @Test
    void turnsAMissingParentIntoUserNotFoundOnEveryDatabase() {
        assertThat(SqlErrorTranslator.translate("addPurchase", new SQLException("Referential integrity", "23506", 23506)))
                .isInstanceOf(UserNotFoundException.class);
        assertThat(SqlErrorTranslator.translate("addPurchase", new SQLException("violates foreign key", "23503", 0)))
                .isInstanceOf(UserNotFoundException.class);
        assertThat(SqlErrorTranslator.translate("addPurchase", new SQLException("Cannot add or update a child row", "23000", 1452)))
                .isInstanceOf(UserNotFoundException.class);
    }

    @Test
    void keepsAnythingElseAsAPlainStoreExceptionWithTheOperation() {
        SQLException other = new SQLException("connection reset", "08006");

        StoreException translated = SqlErrorTranslator.translate("count", other);

        assertThat(translated.getClass()).isEqualTo(StoreException.class);
        assertThat(translated).hasMessageStartingWith("count failed").hasCause(other);
    }

    @Test
    void doesNotMistakeAnotherUniqueConstraintForAUserField() {
        SQLException pk = new SQLException("duplicate key value violates unique constraint \"users_pk\"", "23505", 0);

        assertThat(SqlErrorTranslator.translate("create", pk).getClass()).isEqualTo(StoreException.class);
    }
}
