package dev.switchboard.config;

import static dev.switchboard.config.SettingForm.BOOLEAN;
import static dev.switchboard.config.SettingForm.DURATION;
import static dev.switchboard.config.SettingForm.LIST;
import static dev.switchboard.config.SettingForm.NON_NEGATIVE_INTEGER;
import static dev.switchboard.config.SettingForm.POSITIVE_INTEGER;
import static dev.switchboard.config.SettingForm.TEXT;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Switchboard's configuration, an immutable value: every key {@code switchboard.x.y} is read once, when
 * the value is built, from a {@link SettingSource} (the server's MicroProfile Config, system properties,
 * the environment variable {@code SWITCHBOARD_X_Y}), parsed and checked against its {@link SettingForm}
 * then; a bad value fails the build with {@link InvalidSettingsException} naming it. Absent keys take the
 * documented default (see the README). Tests build one from a map.
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
    public static final String HISTORY_BACKLOG = "switchboard.history.backlog";
    public static final String WAITING_PER_CONNECTION = "switchboard.limits.waiting";
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
    public static final String CLUSTER = "switchboard.cluster";
    public static final String CLUSTER_HEARTBEAT = "switchboard.cluster.heartbeat";
    public static final String CLUSTER_NODE_TIMEOUT = "switchboard.cluster.node-timeout";
    public static final String SHARED_ROOMS = "switchboard.rooms.shared";
    public static final String INVITES_PER_MINUTE = "switchboard.limits.invites";
    public static final String ATTACHMENTS_ROOM_QUOTA = "switchboard.attachments.room-quota-bytes";
    public static final String OIDC_ISSUER = "switchboard.oidc.issuer";
    public static final String OIDC_AUDIENCE = "switchboard.oidc.audience";
    public static final String OIDC_JWKS_URL = "switchboard.oidc.jwks-url";
    public static final String OIDC_JWKS_FILE = "switchboard.oidc.jwks-file";
    public static final String OIDC_JWKS_CACHE = "switchboard.oidc.jwks-cache";
    public static final String OIDC_ALGORITHMS = "switchboard.oidc.algorithms";
    public static final String OIDC_USER_CLAIM = "switchboard.oidc.user-claim";
    public static final String OIDC_ROLES_CLAIM = "switchboard.oidc.roles-claim";
    public static final String OIDC_ROLE_MAP = "switchboard.oidc.role-map";
    public static final String OIDC_CLOCK_SKEW = "switchboard.oidc.clock-skew";

    /** The default of {@link #MAX_FRAME_BYTES}, also the endpoints' {@code @OnMessage(maxMessageSize)} for text. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    /** The default of {@link #MAX_BINARY_BYTES}, also the endpoints' {@code @OnMessage(maxMessageSize)} for binary. */
    public static final int DEFAULT_MAX_BINARY_BYTES = 1024 * 1024;
    /** The default of {@link #ATTACHMENTS_ROOM_QUOTA}: 100 MiB. */
    public static final int DEFAULT_ATTACHMENTS_ROOM_QUOTA = 100 * 1024 * 1024;

    /** Every key: each public String constant above whose value starts with {@code switchboard.}. */
    static final Set<String> KEYS = keys();

    /** The accepted form of each key; a key left out is read as text and parsed when asked for. */
    private static final Map<String, SettingForm> FORMS = Map.ofEntries(
            Map.entry(ORIGINS, LIST), Map.entry(REQUIRE_ORIGIN, BOOLEAN), Map.entry(TOKEN_SECRET, TEXT),
            Map.entry(TOKEN_TTL, DURATION), Map.entry(GUESTS, BOOLEAN), Map.entry(DATA_DIR, TEXT),
            Map.entry(MAX_FRAME_BYTES, POSITIVE_INTEGER), Map.entry(MAX_TEXT_BYTES, POSITIVE_INTEGER),
            Map.entry(SEND_QUEUE_BYTES, POSITIVE_INTEGER), Map.entry(HISTORY_DEFAULT, NON_NEGATIVE_INTEGER),
            Map.entry(HISTORY_RETAIN, POSITIVE_INTEGER), Map.entry(HEARTBEAT, POSITIVE_INTEGER),
            Map.entry(HISTORY_BACKLOG, POSITIVE_INTEGER), Map.entry(WAITING_PER_CONNECTION, POSITIVE_INTEGER),
            Map.entry(SEND_TIMEOUT, DURATION), Map.entry(TOPICS_RETAIN, NON_NEGATIVE_INTEGER),
            Map.entry(TOPICS_POLICIES, LIST), Map.entry(TICKER_SYMBOLS, LIST), Map.entry(OPERATORS, LIST),
            Map.entry(PUBLISHER_KEY, TEXT), Map.entry(MAX_PUBLISH_BYTES, POSITIVE_INTEGER),
            Map.entry(DB_DATASOURCE, TEXT), Map.entry(DB_URL, TEXT), Map.entry(DB_USER, TEXT), Map.entry(DB_PASSWORD, TEXT),
            Map.entry(MAX_BINARY_BYTES, POSITIVE_INTEGER), Map.entry(RATE, POSITIVE_INTEGER),
            Map.entry(RATE_BURST, POSITIVE_INTEGER), Map.entry(IDLE_TIMEOUT, DURATION),
            Map.entry(CONNECTIONS_PER_USER, NON_NEGATIVE_INTEGER), Map.entry(CONNECTIONS_PER_ADDRESS, NON_NEGATIVE_INTEGER),
            Map.entry(METRICS_REMOTE, BOOLEAN), Map.entry(CLUSTER, BOOLEAN),
            Map.entry(CLUSTER_HEARTBEAT, DURATION), Map.entry(CLUSTER_NODE_TIMEOUT, DURATION),
            Map.entry(SHARED_ROOMS, LIST), Map.entry(INVITES_PER_MINUTE, POSITIVE_INTEGER),
            Map.entry(ATTACHMENTS_ROOM_QUOTA, POSITIVE_INTEGER),
            Map.entry(OIDC_ISSUER, TEXT), Map.entry(OIDC_AUDIENCE, LIST), Map.entry(OIDC_JWKS_URL, TEXT),
            Map.entry(OIDC_JWKS_FILE, TEXT), Map.entry(OIDC_JWKS_CACHE, DURATION), Map.entry(OIDC_ALGORITHMS, LIST),
            Map.entry(OIDC_USER_CLAIM, TEXT), Map.entry(OIDC_ROLES_CLAIM, TEXT), Map.entry(OIDC_ROLE_MAP, LIST),
            Map.entry(OIDC_CLOCK_SKEW, DURATION));

    /** The values given, trimmed, blank ones left out. */
    private final Map<String, String> values;
    /** The parsed value of each given key that has a form. */
    private final Map<String, Object> parsed;

    private Settings(Map<String, String> given) {
        Map<String, String> kept = new HashMap<>();
        Map<String, Object> typed = new HashMap<>();
        List<String> problems = new ArrayList<>();
        given.forEach((key, value) -> {
            String v = value == null ? "" : value.trim();
            if (v.isEmpty()) {
                return;
            }
            kept.put(key, v);
            SettingForm form = FORMS.get(key);
            if (form != null) {
                Object p = form.read(v);
                if (p == null) {
                    problems.add(problem(key, v, form));
                } else {
                    typed.put(key, p);
                }
            }
        });
        if (!problems.isEmpty()) {
            problems.sort(null);
            throw new InvalidSettingsException(problems);
        }
        this.values = Map.copyOf(kept);
        this.parsed = Map.copyOf(typed);
    }

    /** Every key read once from the source, parsed and checked; throws {@link InvalidSettingsException} naming each bad one. */
    public static Settings load(SettingSource source) {
        Map<String, String> read = new HashMap<>();
        for (String key : KEYS) {
            source.value(key).ifPresent(v -> read.put(key, v));
        }
        return new Settings(read);
    }

    /** System properties, then environment variables, then defaults (no MicroProfile Config: see {@link SettingSource#server()}). */
    public static Settings fromEnvironment() {
        return load(SettingSource.system());
    }

    /** Only the given values, then defaults: for tests. Checked like loaded ones. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** A copy with one more value set. */
    public Settings with(String key, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(key, value);
        return new Settings(copy);
    }

    /** The keys given a value (not the values: some are secrets). */
    public Set<String> configured() {
        return new TreeSet<>(values.keySet());
    }

    public Optional<String> raw(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String string(String key, String fallback) {
        return raw(key).orElse(fallback);
    }

    public int integer(String key, int fallback) {
        return get(key, Integer.class, NON_NEGATIVE_INTEGER, fallback);
    }

    public boolean flag(String key, boolean fallback) {
        return get(key, Boolean.class, BOOLEAN, fallback);
    }

    /** ISO-8601 ({@code PT12H}) or plain seconds. */
    public Duration duration(String key, Duration fallback) {
        return get(key, Duration.class, DURATION, fallback);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        return get(key, List.class, LIST, List.of());
    }

    /** The value parsed at build; for a key without a form (or asked as another type), parsed now. */
    private <T> T get(String key, Class<T> type, SettingForm form, T fallback) {
        Object v = parsed.get(key);
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        Object now = form.read(value);
        if (!type.isInstance(now)) {
            throw new InvalidSettingsException(List.of(problem(key, value, form)));
        }
        return type.cast(now);
    }

    /** {@code switchboard.limits.rate=fast: expected a positive integer}. */
    private static String problem(String key, String value, SettingForm form) {
        return key + "=" + value + ": expected " + form.expected();
    }

    /** The form a key is checked against, if it has one. */
    static Optional<SettingForm> formOf(String key) {
        return Optional.ofNullable(FORMS.get(key));
    }

    private static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (Field f : Settings.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    if (f.get(null) instanceof String key && key.startsWith("switchboard.")) {
                        keys.add(key);
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Set.copyOf(keys);
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
        return integer(MAX_FRAME_BYTES, DEFAULT_MAX_FRAME_BYTES);
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

    /** Messages waiting for the store beyond which a sender with one waiting already is told {@code overloaded}. */
    public int historyBacklog() {
        return integer(HISTORY_BACKLOG, 2000);
    }

    /** Messages of one connection waiting for the store at most; the next is {@code overloaded}. */
    public int waitingPerConnection() {
        return integer(WAITING_PER_CONNECTION, 32);
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

    /** Rooms nobody owns (operators run them): a first join creates them public, without an owner. */
    public List<String> sharedRooms() {
        List<String> configured = list(SHARED_ROOMS);
        return configured.isEmpty() ? List.of("lobby") : configured;
    }

    /** Invitations one user may send per minute. */
    public int invitesPerMinute() {
        return integer(INVITES_PER_MINUTE, 20);
    }

    /** The HTTP publisher API key, if one is configured. */
    public Optional<String> publisherKey() {
        return raw(PUBLISHER_KEY);
    }

    public int maxPublishBytes() {
        return integer(MAX_PUBLISH_BYTES, 64 * 1024);
    }

    public int maxBinaryBytes() {
        return integer(MAX_BINARY_BYTES, DEFAULT_MAX_BINARY_BYTES);
    }

    /**
     * Bytes of attachments one room may keep in the database, all files together: the database is shared by every
     * room, so one room cannot fill it. A file that would go over is refused; a single file is bounded by
     * {@link #maxBinaryBytes()} already (the whole frame).
     */
    public long attachmentRoomQuotaBytes() {
        return integer(ATTACHMENTS_ROOM_QUOTA, DEFAULT_ATTACHMENTS_ROOM_QUOTA);
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

    /**
     * Whether this node joins a cluster on its database: only PostgreSQL can be shared (H2 is embedded), so the
     * default is "yes on PostgreSQL"; {@code false} keeps a PostgreSQL node on its own.
     */
    public boolean clusterWanted() {
        return flag(CLUSTER, true);
    }

    /** How often a cluster node renews its lease and pings itself through the doorbell. */
    public Duration clusterHeartbeat() {
        return duration(CLUSTER_HEARTBEAT, Duration.ofSeconds(5));
    }

    /** A node whose lease is older than this is dead: its users leave presence (within this plus one heartbeat). */
    public Duration clusterNodeTimeout() {
        return duration(CLUSTER_NODE_TIMEOUT, Duration.ofSeconds(15));
    }
}
