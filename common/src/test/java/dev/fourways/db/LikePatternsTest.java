package dev.fourways.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LikePatternsTest {

    @Test
    void escapesWildcardsAndTheEscapeCharacter() {
        assertThat(LikePatterns.contains("a%b_c!d")).isEqualTo("%a!%b!_c!!d%");
        assertThat(LikePatterns.endsWith("@shop.io")).isEqualTo("%@shop.io");
    }
}
