package dev.switchboard.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriptionIndexTest {

    @ParameterizedTest
    @CsvSource({
        "ticker.ACME, ticker.ACME, true", "ticker.ACME, ticker.GLOBEX, false", "ticker.*, ticker.ACME, true",
        "ticker.*, ticker, false", "ticker.*, ticker.ACME.x, false", "ticker.>, ticker.ACME, true",
        "ticker.>, ticker.ACME.x.y, true", "ticker.>, ticker, false", "*, ticker, true", "*, ticker.ACME, false",
        ">, ticker, true", ">, ticker.ACME.x, true", "*.ACME, ticker.ACME, true", "*.ACME, ticker.GLOBEX, false",
        "a.*.c, a.b.c, true", "a.*.c, a.b.d, false", "a.*.>, a.b.c, true", "a.*.>, a.b, false", "logs.>, logsx.a, false"})
    void wildcardsMatchAsDocumented(String pattern, String topic, boolean expected) {
        assertTrue(TopicNames.isPattern(pattern));
        assertTrue(TopicNames.isTopic(topic));
        assertEquals(expected, TopicNames.matches(pattern, topic), "reference matcher");
        SubscriptionIndex<String> index = new SubscriptionIndex<>();
        index.add(pattern, "s");
        assertEquals(expected, index.hasMatch(topic), "index");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "a.", ".a", "a..b", "a.>.b", ">.a", "a.b>", "a.*b", "a b", "a.\u00e9", "a/b", "a.>>"})
    void badPatternsAreRejected(String pattern) {
        assertFalse(TopicNames.isPattern(pattern), pattern);
        assertFalse(TopicNames.isTopic(pattern), pattern);
    }

    @Test
    void wildcardsAreNotTopicNamesAndLimitsHold() {
        assertFalse(TopicNames.isTopic("a.*"));
        assertFalse(TopicNames.isTopic("a.>"));
        assertTrue(TopicNames.isTopic("a".repeat(64)));
        assertFalse(TopicNames.isTopic("a".repeat(65)));
        assertTrue(TopicNames.isTopic(String.join(".", java.util.Collections.nCopies(16, "a"))));
        assertFalse(TopicNames.isTopic(String.join(".", java.util.Collections.nCopies(17, "a"))));
        assertFalse(TopicNames.isTopic(null));
    }

    @Test
    void removingForgetsAndPrunes() {
        SubscriptionIndex<String> index = new SubscriptionIndex<>();
        index.add("a.b.c", "x");
        index.add("a.b.c", "x"); // idempotent
        index.add("a.*", "y");
        index.add("a.>", "z");
        assertEquals(3, index.size());
        assertFalse(index.remove("a.b", "x"));
        assertFalse(index.remove("a.b.c", "other"));
        assertTrue(index.remove("a.b.c", "x"));
        assertFalse(index.remove("a.b.c", "x"));
        List<String> got = new ArrayList<>();
        int visited = index.match("a.b.c", got::add);
        assertEquals(List.of("z"), got);
        assertEquals(3, visited, "root, a and a.*: the a.b branch is gone");
        assertTrue(index.remove("a.*", "y"));
        assertTrue(index.remove("a.>", "z"));
        assertEquals(0, index.size());
        assertEquals(1, index.match("a.b.c", got::add), "only the root is left");
    }

    /** The point of the trie: 100,000 patterns that cannot match cost a publish nothing. */
    @Test
    void publishCostDoesNotGrowWithNonMatchingPatterns() {
        SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
        index.add("ticker.ACME", -1);
        index.add("ticker.*", -2);
        List<Integer> got = new ArrayList<>();
        int before = index.match("ticker.ACME", got::add);
        for (int i = 0; i < 100_000; i++) {
            switch (i % 4) {
                case 0 -> index.add("ticker.S" + i, i); // siblings of the topic
                case 1 -> index.add("orders." + i + ".*", i); // other roots
                case 2 -> index.add("*.S" + i, i); // wildcard first, other second segment
                default -> index.add("ticker.ACME.deeper" + i, i); // longer than the topic
            }
        }
        got.clear();
        int after = index.match("ticker.ACME", got::add);
        assertEquals(Set.of(-1, -2), new HashSet<>(got));
        assertEquals(100_002, index.size());
        assertTrue(after <= before + 1, "visited " + after + " nodes (was " + before + ")"); // + the shared '*' branch
        assertTrue(after <= 5, "visited " + after);
    }

    /** The trie and the reference matcher agree on random patterns and topics. */
    @Test
    void agreesWithTheReferenceMatcher() {
        Random random = new Random(42);
        String[] words = {"a", "b", "c", "*", ">"};
        SubscriptionIndex<String> index = new SubscriptionIndex<>();
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder p = new StringBuilder();
            int n = 1 + random.nextInt(4);
            for (int j = 0; j < n; j++) {
                String w = words[random.nextInt(j == n - 1 ? 5 : 4)];
                p.append(j == 0 ? "" : ".").append(w);
            }
            patterns.add(p.toString());
            index.add(p.toString(), p.toString());
        }
        for (int i = 0; i < 300; i++) {
            StringBuilder t = new StringBuilder();
            int n = 1 + random.nextInt(5);
            for (int j = 0; j < n; j++) {
                t.append(j == 0 ? "" : ".").append(words[random.nextInt(3)]);
            }
            Set<String> expected = new HashSet<>();
            for (String p : patterns) {
                if (TopicNames.matches(p, t.toString())) {
                    expected.add(p);
                }
            }
            Set<String> got = new HashSet<>();
            index.match(t.toString(), got::add);
            assertEquals(expected, got, t.toString());
        }
    }
}
