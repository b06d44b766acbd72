package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.ChatEndpoint;
import dev.switchboard.topics.TopicEndpoint;
import jakarta.websocket.OnMessage;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Settings}: read once at load, parsed and checked then, bad values named with their accepted form. */
class SettingsTest {

    private static String rejection(String key, String value) {
        return assertThrows(InvalidSettingsException.class, () -> Settings.of(Map.of(key, value)), key + "=" + value).getMessage();
    }

    @Test
    void nothingSetGivesTheDocumentedDefaults() {
        Settings s = Settings.of(Map.of());
        assertEquals(64 * 1024, s.maxFrameBytes());
        assertEquals(Settings.DEFAULT_MAX_FRAME_BYTES, s.maxFrameBytes());
        assertEquals(1024 * 1024, s.maxBinaryBytes());
        assertEquals(Settings.DEFAULT_MAX_BINARY_BYTES, s.maxBinaryBytes());
        assertEquals(1024 * 1024, s.sendQueueBytes());
        assertEquals(20, s.ratePerSecond());
        assertEquals(40, s.rateBurst());
        assertEquals(Duration.ofHours(12), s.tokenTtl());
        assertEquals(Duration.ofSeconds(10), s.sendTimeout());
        assertEquals(Duration.ofSeconds(60), s.idleTimeout());
        assertEquals(25, s.heartbeatSeconds());
        assertTrue(s.guestsAllowed());
        assertEquals(false, s.requireOrigin());
        assertEquals(List.of(), s.allowedOrigins());
        assertEquals(List.of("ticker.>=latest-value", "logs.>=drop-oldest"), s.topicPolicies());
        assertEquals(Optional.empty(), s.publisherKey());
        assertEquals(Optional.empty(), s.raw(Settings.TOKEN_SECRET));
        assertEquals(Set.of(), s.configured());
    }

    @Test
    void valuesAreParsedIntoTheirTypes() {
        Settings s = Settings.of(Map.ofEntries(Map.entry(Settings.RATE, " 7 "), Map.entry(Settings.CONNECTIONS_PER_USER, "0"),
                Map.entry(Settings.TOKEN_TTL, "PT2H"), Map.entry(Settings.SEND_TIMEOUT, "3"), Map.entry(Settings.GUESTS, "FALSE"),
                Map.entry(Settings.ORIGINS, "https://a.example, ,https://b.example"), Map.entry(Settings.TOKEN_SECRET, " s3cret "),
                Map.entry(Settings.PUBLISHER_KEY, "   ")));
        assertEquals(7, s.ratePerSecond());
        assertEquals(0, s.connectionsPerUser(), "0 = no cap");
        assertEquals(Duration.ofHours(2), s.tokenTtl());
        assertEquals(Duration.ofSeconds(3), s.sendTimeout());
        assertEquals(false, s.guestsAllowed());
        assertEquals(List.of("https://a.example", "https://b.example"), s.allowedOrigins());
        assertEquals(Optional.of("s3cret"), s.raw(Settings.TOKEN_SECRET));
        assertEquals(Optional.empty(), s.publisherKey(), "blank is unset");
        assertEquals(Set.of(Settings.RATE, Settings.CONNECTIONS_PER_USER, Settings.TOKEN_TTL, Settings.SEND_TIMEOUT,
                Settings.GUESTS, Settings.ORIGINS, Settings.TOKEN_SECRET), s.configured());
    }

    @Test
    void aBadValueIsRefusedNamingTheSettingAndTheAcceptedForm() {
        assertEquals("switchboard.limits.rate=fast: expected a positive integer", rejection(Settings.RATE, "fast"));
        assertEquals("switchboard.limits.rate=0: expected a positive integer", rejection(Settings.RATE, "0"));
        assertEquals("switchboard.limits.queue=-1: expected a positive integer", rejection(Settings.SEND_QUEUE_BYTES, "-1"));
        assertEquals("switchboard.limits.frame=99999999999: expected a positive integer", rejection(Settings.MAX_FRAME_BYTES, "99999999999"));
        assertEquals("switchboard.limits.connections.user=-1: expected an integer, 0 or more",
                rejection(Settings.CONNECTIONS_PER_USER, "-1"));
        String duration = ": expected a positive duration, in seconds (30) or ISO-8601 (PT30S, PT12H)";
        assertEquals("switchboard.token.ttl=12 hours" + duration, rejection(Settings.TOKEN_TTL, "12 hours"));
        assertEquals("switchboard.token.ttl=PT-5S" + duration, rejection(Settings.TOKEN_TTL, "PT-5S"));
        assertEquals("switchboard.send.timeout=0" + duration, rejection(Settings.SEND_TIMEOUT, "0"));
        assertEquals("switchboard.idle.timeout=1.5" + duration, rejection(Settings.IDLE_TIMEOUT, "1.5"));
        assertEquals("switchboard.guests=yes: expected true or false", rejection(Settings.GUESTS, "yes"));
    }

    @Test
    void everyBadValueIsNamedAtOnce() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> Settings.of(Map.of(Settings.RATE, "fast", Settings.HEARTBEAT, "-2", Settings.ORIGINS, "https://ok.example")));
        assertEquals(List.of("switchboard.heartbeat=-2: expected a positive integer",
                "switchboard.limits.rate=fast: expected a positive integer"), e.problems());
        assertEquals(String.join("; ", e.problems()), e.getMessage());
    }

    @Test
    void withChecksTheNewValueAndKeepsTheOthers() {
        Settings s = Settings.of(Map.of(Settings.RATE, "5")).with(Settings.RATE_BURST, "9");
        assertEquals(5, s.ratePerSecond());
        assertEquals(9, s.rateBurst());
        assertThrows(InvalidSettingsException.class, () -> s.with(Settings.RATE_BURST, "lots"));
    }

    @Test
    void loadReadsEachKeyOnceAndNeverAgain() {
        Map<String, String> config = new HashMap<>(Map.of(Settings.RATE, "3", Settings.OPERATORS, "ops"));
        AtomicInteger reads = new AtomicInteger();
        Settings s = Settings.load(SettingSource.of("test", key -> {
            reads.incrementAndGet();
            return Optional.ofNullable(config.get(key));
        }));
        assertEquals(Settings.KEYS.size(), reads.get(), "one read per key");
        config.put(Settings.RATE, "99");
        for (int i = 0; i < 1000; i++) { // as on every message
            assertEquals(3, s.ratePerSecond());
            assertEquals(List.of("ops"), s.operators());
            s.maxFrameBytes();
        }
        assertEquals(Settings.KEYS.size(), reads.get(), "accessors read nothing");
    }

    @Test
    void loadFailsOnABadValueFromTheSource() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> Settings.load(SettingSource.of("test", key -> Settings.RATE.equals(key) ? Optional.of("fast") : Optional.empty())));
        assertEquals("switchboard.limits.rate=fast: expected a positive integer", e.getMessage());
    }

    @Test
    void everyKeyIsLoadedAndHasAForm() {
        assertTrue(Settings.KEYS.size() >= 30, Settings.KEYS.toString());
        assertTrue(Settings.KEYS.containsAll(List.of(Settings.TOKEN_SECRET, Settings.RATE, Settings.METRICS_REMOTE)));
        for (String key : Settings.KEYS) {
            assertTrue(Settings.formOf(key).isPresent(), key + " has no SettingForm in Settings.FORMS: give it one, so it is checked at deploy");
        }
    }

    @Test
    void theEndpointsContainerLimitsAreTheDefaultFrameLimits() {
        for (Class<?> endpoint : List.of(ChatEndpoint.class, TopicEndpoint.class)) {
            int checked = 0;
            for (Method m : endpoint.getMethods()) {
                OnMessage on = m.getAnnotation(OnMessage.class);
                List<Class<?>> params = List.of(m.getParameterTypes());
                if (on != null && params.contains(String.class)) {
                    assertEquals(Settings.DEFAULT_MAX_FRAME_BYTES, on.maxMessageSize(), m.toString());
                    checked++;
                } else if (on != null && params.contains(ByteBuffer.class)) {
                    assertEquals(Settings.DEFAULT_MAX_BINARY_BYTES, on.maxMessageSize(), m.toString());
                    checked++;
                }
            }
            assertEquals(2, checked, endpoint + ": one text and one binary handler");
        }
    }
}
