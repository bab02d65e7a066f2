package dev.fourways.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The input rules every style shares, checked once here. */
class ValidationTest {

    private static final Instant T0 = Instant.parse("2024-03-01T10:15:30.123456789Z");

    @Test
    void newUserLowerCasesUsernameAndEmailAndTruncatesToMicroseconds() {
        NewUser u = new NewUser("Ada.Lovelace_1-x", "Ada@Example.COM", "Ada", T0);

        assertThat(u.username()).isEqualTo("ada.lovelace_1-x");
        assertThat(u.email()).isEqualTo("ada@example.com");
        assertThat(u.createdAt()).isEqualTo(Instant.parse("2024-03-01T10:15:30.123456Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "has space", "semi;colon", "quote'", "ünïcode", "percent%"})
    void refusesUsernamesOutsideTheRule(String username) {
        assertThatThrownBy(() -> NewUser.of(username, "x@example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("username:");
    }

    @Test
    void refusesAUsernameOfFiftyOneCharacters() {
        assertThat(NewUser.of("a".repeat(50), "x@example.com").username()).hasSize(50);
        assertThatThrownBy(() -> NewUser.of("a".repeat(51), "x@example.com")).hasMessageStartingWith("username:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-at", "@start", "end@", "two@@at.com", "a@b@c", "sp ace@x.io"})
    void refusesEmailsOutsideTheRule(String email) {
        assertThatThrownBy(() -> NewUser.of("valid", email))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("email:");
    }

    @Test
    void refusesAnEmailLongerThan120Characters() {
        String local = "x".repeat(120 - "@e.io".length());
        assertThat(NewUser.of("valid", local + "@e.io").email()).hasSize(120);
        assertThatThrownBy(() -> NewUser.of("valid", local + "y@e.io")).hasMessageStartingWith("email:");
    }

    @Test
    void countsDisplayNameLengthInCodePoints() {
        String hundredEmoji = "😀".repeat(100);

        assertThat(new NewUser("emoji", "e@x.io", hundredEmoji, null).displayName()).isEqualTo(hundredEmoji);
        assertThatThrownBy(() -> new NewUser("emoji", "e@x.io", hundredEmoji + "!", null))
                .hasMessageStartingWith("displayName:");
    }

    @Test
    void defaultsCreatedAtToNow() {
        Instant before = Instant.now().minusMillis(1);

        assertThat(NewUser.of("now", "n@x.io").createdAt()).isBetween(before, Instant.now().plusMillis(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1.00", "0.001", "1000000.01", "12.345"})
    void refusesAmountsOutsideTheRule(String amount) {
        assertThatThrownBy(() -> new NewPurchase(new BigDecimal(amount), PurchaseStatus.NEW, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("amount:");
    }

    @Test
    void keepsAmountsWithScaleTwo() {
        assertThat(new NewPurchase(new BigDecimal("7"), PurchaseStatus.PAID, null).amount()).isEqualTo(new BigDecimal("7.00"));
        assertThat(new NewPurchase(new BigDecimal("1000000.000"), PurchaseStatus.PAID, null).amount())
                .isEqualTo(new BigDecimal("1000000.00"));
    }

    @Test
    void requiresAStatus() {
        assertThatThrownBy(() -> new NewPurchase(BigDecimal.ONE, null, null)).hasMessageStartingWith("status:");
    }

    @Test
    void userQueryValidatesEachCriterionByName() {
        assertThatThrownBy(() -> UserQuery.builder().limit(0).build()).hasMessageStartingWith("limit:");
        assertThatThrownBy(() -> UserQuery.builder().limit(1001).build()).hasMessageStartingWith("limit:");
        assertThatThrownBy(() -> UserQuery.builder().minPurchases(0).build()).hasMessageStartingWith("minPurchases:");
        assertThatThrownBy(() -> UserQuery.builder().emailDomain("a@b").build()).hasMessageStartingWith("emailDomain:");
        assertThatThrownBy(() -> UserQuery.builder().usernameContains("").build()).hasMessageStartingWith("usernameContains:");
        assertThatThrownBy(() -> UserQuery.builder().createdFrom(T0).createdTo(T0).build()).hasMessageStartingWith("createdTo:");
    }

    @Test
    void userQueryLowerCasesItsTextCriteria() {
        UserQuery q = UserQuery.builder().usernameContains("ABC").emailDomain("Shop.IO").build();

        assertThat(q.usernameContainsOpt()).contains("abc");
        assertThat(q.emailDomainOpt()).contains("shop.io");
        assertThat(q.sort()).isEqualTo(UserQuery.Sort.USERNAME_ASC);
        assertThat(q.limit()).isEqualTo(100);
    }

    @Test
    void pageCountsItsPages() {
        assertThat(new Page<>(java.util.List.of(), 0, 10, 0).totalPages()).isZero();
        assertThat(new Page<>(java.util.List.of(), 0, 10, 10).totalPages()).isEqualTo(1);
        assertThat(new Page<>(java.util.List.of(), 0, 10, 11).totalPages()).isEqualTo(2);
        assertThat(Page.offset(3, 20)).isEqualTo(60);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "a\u0000", "\uD800", "a\uDBFFb", "\uDC00a", "b\uDFFF", "\uDC00\uD800"})
    void refusesNulAndUnpairedSurrogatesInEveryStoredOrComparedString(String bad) {
        assertThatThrownBy(() -> Validation.storable("f", bad)).hasMessageStartingWith("f: must not contain");
        assertThatThrownBy(() -> new NewUser("abc", "x@example.com", bad, null)).hasMessageStartingWith("displayName:");
        assertThatThrownBy(() -> NewUser.of("abc", bad + "x@example.com")).hasMessageStartingWith("email:");
        assertThatThrownBy(() -> UserQuery.builder().usernameContains(bad).build()).hasMessageStartingWith("usernameContains:");
        assertThatThrownBy(() -> UserQuery.builder().emailDomain(bad + "x.io").build()).hasMessageStartingWith("emailDomain:");
    }

    @Test
    void keepsPairedSurrogatesAndOtherControlCharacters() {
        String text = "\uD83D\uDE00 tab\there \u0001\u009F";
        assertThat(Validation.storable("f", text)).isSameAs(text);
        assertThat(new NewUser("abc", "x@example.com", text, null).displayName()).isEqualTo(text);
    }

    @Test
    void checksTheEmailLengthAfterLowerCasing() {
        String atLimit = "\u0130".repeat(57) + "@ab.io"; // 63 as given, 120 once lower-cased
        assertThat(NewUser.of("abc", atLimit).email()).hasSize(120);
        String past = "\u0130".repeat(58) + "@x.io"; // 63 as given, 121 once lower-cased
        assertThatThrownBy(() -> NewUser.of("abc", past))
                .hasMessage("email: must be at most 120 characters once lower-cased, was 121 (63 as given)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\tb@x.io", "a\u0085@x.io", "a\u007F@x.io"})
    void refusesControlCharactersInAnEmail(String email) {
        assertThatThrownBy(() -> NewUser.of("abc", email)).hasMessageStartingWith("email:");
    }

    @Test
    void acceptsKeysetCursorsOfTheUsernameAlphabetOnly() {
        assertThat(Validation.cursor("after", null)).isNull();
        assertThat(Validation.cursor("after", "A")).isEqualTo("a");
        assertThat(Validation.cursor("after", "Ab.C_d-9")).isEqualTo("ab.c_d-9");
        for (String bad : new String[] {"", " ", "a ", "a\t", "\u00e9", "a%", "x".repeat(51)}) {
            assertThatThrownBy(() -> Validation.cursor("after", bad)).as("'%s'", bad).hasMessageStartingWith("after:");
        }
    }

    @Test
    void acceptsInstantsInTheCommonRangeAfterTruncation() {
        assertThat(Validation.instant("t", Validation.EARLIEST)).isEqualTo(Validation.EARLIEST);
        assertThat(Validation.instant("t", Instant.parse("9999-12-31T23:59:59.999999999Z"))).isEqualTo(Validation.LATEST);
        for (Instant bad : new Instant[] {Validation.EARLIEST.minusNanos(1), Validation.LATEST.plusNanos(1000),
                Instant.MIN, Instant.MAX}) {
            assertThatThrownBy(() -> Validation.instant("t", bad)).as("%s", bad).hasMessageStartingWith("t: must be between");
        }
    }
}
