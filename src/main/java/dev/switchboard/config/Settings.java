package dev.switchboard.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Switchboard's configuration: each key {@code switchboard.x.y} is read from the system property of that
 * name, else from the environment variable {@code SWITCHBOARD_X_Y}, else the documented default (see the
 * README). Immutable; tests build one from a map.
 */
public final class Settings {

    public static final String ORIGINS = "switchboard.origins";
    public static final String REQUIRE_ORIGIN = "switchboard.origins.require";
    public static final String TOKEN_SECRET = "switchboard.token.secret";
    public static final String TOKEN_TTL = "switchboard.token.ttl";
    public static final String GUESTS = "switchboard.guests";
    public static final String DATA_DIR = "switchboard.data.dir";
    public static final String MAX_FRAME_BYTES = "switchboard.limits.frame";
    public static final String MAX_TEXT_BYTES = "switchboard.limits.text";
    public static final String SEND_QUEUE_BYTES = "switchboard.limits.queue";
    public static final String HISTORY_DEFAULT = "switchboard.history.join";
    public static final String HISTORY_RETAIN = "switchboard.history.retain";
    public static final String HEARTBEAT = "switchboard.heartbeat";
    public static final String SEND_TIMEOUT = "switchboard.send.timeout";
    public static final String TOPICS_RETAIN = "switchboard.topics.retain";
    public static final String TOPICS_POLICIES = "switchboard.topics.policies";
    public static final String TICKER_SYMBOLS = "switchboard.ticker.symbols";
    public static final String OPERATORS = "switchboard.operators";
    public static final String PUBLISHER_KEY = "switchboard.publisher.key";
    public static final String MAX_PUBLISH_BYTES = "switchboard.limits.publish";
    public static final String DB_DATASOURCE = "switchboard.db.datasource";
    public static final String DB_URL = "switchboard.db.url";
    public static final String DB_USER = "switchboard.db.user";
    public static final String DB_PASSWORD = "switchboard.db.password";
    public static final String MAX_BINARY_BYTES = "switchboard.limits.binary";
    public static final String RATE = "switchboard.limits.rate";
    public static final String RATE_BURST = "switchboard.limits.burst";
    public static final String IDLE_TIMEOUT = "switchboard.idle.timeout";
    public static final String CONNECTIONS_PER_USER = "switchboard.limits.connections.user";
    public static final String CONNECTIONS_PER_ADDRESS = "switchboard.limits.connections.address";
    public static final String METRICS_REMOTE = "switchboard.metrics.remote";

    private final Map<String, String> overrides;
    private final boolean fromEnvironment;

    private Settings(Map<String, String> overrides, boolean fromEnvironment) {
        this.overrides = Map.copyOf(overrides);
        this.fromEnvironment = fromEnvironment;
    }

    /** System properties, then environment variables, then defaults. */
    public static Settings fromEnvironment() {
        return new Settings(Map.of(), true);
    }

    /** Only the given values, then defaults: for tests. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values, false);
    }

    /** A copy with one more value set. */
    public Settings with(String key, String value) {
        Map<String, String> copy = new HashMap<>(overrides);
        copy.put(key, value);
        return new Settings(copy, fromEnvironment);
    }

    public Optional<String> raw(String key) {
        String v = overrides.get(key);
        if (v == null && fromEnvironment) {
            v = System.getProperty(key);
            if (v == null) {
                v = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
            }
        }
        return Optional.ofNullable(v).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String string(String key, String fallback) {
        return raw(key).orElse(fallback);
    }

    public int integer(String key, int fallback) {
        return raw(key).map(Integer::parseInt).orElse(fallback);
    }

    public boolean flag(String key, boolean fallback) {
        return raw(key).map(Boolean::parseBoolean).orElse(fallback);
    }

    /** ISO-8601 ({@code PT12H}) or plain seconds. */
    public Duration duration(String key, Duration fallback) {
        return raw(key).map(v -> v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v))
                .orElse(fallback);
    }

    public List<String> list(String key) {
        return raw(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    // The typed view the rest of the code uses; defaults are PROTOCOL.md's "Limits".

    public List<String> allowedOrigins() {
        return list(ORIGINS);
    }

    public boolean requireOrigin() {
        return flag(REQUIRE_ORIGIN, false);
    }

    public boolean guestsAllowed() {
        return flag(GUESTS, true);
    }

    public Duration tokenTtl() {
        return duration(TOKEN_TTL, Duration.ofHours(12));
    }

    public int maxFrameBytes() {
        return integer(MAX_FRAME_BYTES, 64 * 1024);
    }

    public int maxTextBytes() {
        return integer(MAX_TEXT_BYTES, 4096);
    }

    public int sendQueueBytes() {
        return integer(SEND_QUEUE_BYTES, 1024 * 1024);
    }

    public int historyOnJoin() {
        return integer(HISTORY_DEFAULT, 50);
    }

    public int historyRetained() {
        return integer(HISTORY_RETAIN, 1000);
    }

    public int heartbeatSeconds() {
        return integer(HEARTBEAT, 25);
    }

    public Duration sendTimeout() {
        return duration(SEND_TIMEOUT, Duration.ofSeconds(10));
    }

    public int topicsRetained() {
        return integer(TOPICS_RETAIN, 1000);
    }

    /** {@code pattern=policy} pairs, first match wins; topics matching none are lossless. */
    public List<String> topicPolicies() {
        List<String> configured = list(TOPICS_POLICIES);
        return configured.isEmpty() ? List.of("ticker.>=latest-value", "logs.>=drop-oldest") : configured;
    }

    public List<String> tickerSymbols() {
        List<String> configured = list(TICKER_SYMBOLS);
        return configured.isEmpty() ? List.of("ACME", "GLOBEX", "INITECH") : configured;
    }

    /** User names with the operator role besides the container role {@code operator} (for guest mode). */
    public List<String> operators() {
        return list(OPERATORS);
    }

    /** The HTTP publisher API key, if one is configured. */
    public Optional<String> publisherKey() {
        return raw(PUBLISHER_KEY);
    }

    public int maxPublishBytes() {
        return integer(MAX_PUBLISH_BYTES, 64 * 1024);
    }

    public int maxBinaryBytes() {
        return integer(MAX_BINARY_BYTES, 1024 * 1024);
    }

    /** Messages per second a connection may send on average. */
    public int ratePerSecond() {
        return integer(RATE, 20);
    }

    /** Messages a connection may send at once before the rate applies. */
    public int rateBurst() {
        return integer(RATE_BURST, 40);
    }

    /** A connection from which nothing (not even a pong) arrived for this long is dropped. */
    public Duration idleTimeout() {
        return duration(IDLE_TIMEOUT, Duration.ofSeconds(60));
    }

    /** Open connections one user may hold on this node (0 = no cap). */
    public int connectionsPerUser() {
        return integer(CONNECTIONS_PER_USER, 20);
    }

    /** Open connections one remote address may hold on this node (0 = no cap). */
    public int connectionsPerAddress() {
        return integer(CONNECTIONS_PER_ADDRESS, 200);
    }

    /** Whether {@code GET /api/metrics} answers callers other than loopback (operators only, if so). */
    public boolean metricsRemote() {
        return flag(METRICS_REMOTE, false);
    }
}
