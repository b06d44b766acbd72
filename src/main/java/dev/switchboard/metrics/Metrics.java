package dev.switchboard.metrics;

import dev.switchboard.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * This application's meters, in one Micrometer {@link PrometheusMeterRegistry} of its own (not a global one: two nodes
 * in one JVM stay apart), read by {@code GET /api/metrics} as Prometheus text, OpenMetrics or JSON. Counting costs an
 * increment: every counter is resolved once (per endpoint in a {@link Traffic}, per close code and error code here),
 * never looked up by tag per frame; timers and summaries record into fixed buckets without locks.
 *
 * <p>The names below are Micrometer's; the registry writes them the Prometheus way ({@code switchboard_closes_total},
 * {@code switchboard_delivery_latency_seconds}). The README lists them.
 */
@ApplicationScoped
public class Metrics {

    static final String RECEIVED = "switchboard.messages.received";
    static final String SENT = "switchboard.messages.sent";
    static final String REFUSALS = "switchboard.refusals";
    static final String CLOSES = "switchboard.closes";
    static final String HANDSHAKE_REFUSALS = "switchboard.handshake.refusals";
    /** The statuses a WebSocket handshake is refused with (see security/HandshakeFilter); others count as {@code other}. */
    static final int[] HANDSHAKE_STATUSES = {400, 401, 403, 426, 429};
    static final String DELIVERY = "switchboard.delivery.latency";
    static final String BATCH = "switchboard.store.batch.size";
    static final String COMMIT = "switchboard.store.commit";
    static final String BACKPLANE = "switchboard.cluster.backplane.lag";
    static final String CONNECTIONS = "switchboard.connections";
    static final String USERS = "switchboard.users";
    static final String STREAMS = "switchboard.streams";
    static final String FOLLOWS = "switchboard.follows";
    static final String QUEUED = "switchboard.queued";

    /**
     * Close codes counted under their number; any other (a peer may send any code from 3000 to 4999) counts as
     * {@code other}, so a peer cannot grow the number of series.
     */
    static final int[] CLOSE_CODES = {1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1015, 4008};
    static final String OTHER = "other";

    private static final Duration[] LATENCY_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);
    private static final Duration[] COMMIT_BUCKETS = millis(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000);
    private static final double[] BATCH_BUCKETS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
    /** Seconds the JSON form's per-second rates are averaged over. */
    private static final int WINDOW = 10;

    private PrometheusMeterRegistry registry;
    private final Map<String, Traffic> byEndpoint = new ConcurrentHashMap<>();
    private Counter[] refusals;
    private Map<Integer, Counter> closes;
    private Counter otherCloses;
    private Map<Integer, Counter> handshakeRefusals;
    private Counter otherHandshakeRefusals;
    private Timer delivery;
    private Timer commit;
    private DistributionSummary batch;
    private final AtomicLongArray inRing = new AtomicLongArray(WINDOW + 1);
    private final AtomicLongArray outRing = new AtomicLongArray(WINDOW + 1);
    private int slot;
    private int samples;

    /** For CDI, which then calls {@link #start}; outside a container use {@link #create}. */
    protected Metrics() {}

    /** Meters of their own, outside a container (tests, and a node built by hand). */
    public static Metrics create() {
        Metrics m = new Metrics();
        m.start();
        return m;
    }

    @PostConstruct
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ErrorCode[] codes = ErrorCode.values();
        refusals = new Counter[codes.length];
        for (ErrorCode code : codes) {
            refusals[code.ordinal()] = Counter.builder(REFUSALS).tag("reason", code.wire())
                    .description("Error frames sent to clients, by error code").register(registry);
        }
        Map<Integer, Counter> byCode = new HashMap<>();
        for (int code : CLOSE_CODES) {
            byCode.put(code, closeCounter(String.valueOf(code)));
        }
        closes = Map.copyOf(byCode);
        otherCloses = closeCounter(OTHER);
        Map<Integer, Counter> byStatus = new HashMap<>();
        for (int status : HANDSHAKE_STATUSES) {
            byStatus.put(status, handshakeCounter(String.valueOf(status)));
        }
        handshakeRefusals = Map.copyOf(byStatus);
        otherHandshakeRefusals = handshakeCounter(OTHER);
        delivery = Timer.builder(DELIVERY)
                .description("From a message's append to the store until this node handed it to the send queues of its followers")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        commit = Timer.builder(COMMIT).description("One group-commit transaction of the history store")
                .serviceLevelObjectives(COMMIT_BUCKETS).register(registry);
        batch = DistributionSummary.builder(BATCH).description("Messages stored per group-commit transaction")
                .serviceLevelObjectives(BATCH_BUCKETS).register(registry);
    }

    private Counter closeCounter(String code) {
        return Counter.builder(CLOSES).tag("code", code)
                .description("Connections ended, by close code (sent by either side; 1006: no close frame)").register(registry);
    }

    private Counter handshakeCounter(String status) {
        return Counter.builder(HANDSHAKE_REFUSALS).tag("status", status)
                .description("WebSocket handshakes refused, by HTTP status (401: no valid identity, 429: a cap, ...)")
                .register(registry);
    }

    @PreDestroy
    void stop() {
        registry.close();
    }

    /** The counters of connections on one endpoint ({@code chat}, {@code topics}), resolved once per endpoint. */
    public Traffic traffic(String endpoint) {
        return byEndpoint.computeIfAbsent(endpoint, e -> new Traffic(
                Counter.builder(RECEIVED).tag("endpoint", e).description("Frames received from clients").register(registry),
                Counter.builder(SENT).tag("endpoint", e).description("Frames written to clients").register(registry),
                refusals));
    }

    /** A WebSocket handshake was refused with this HTTP status. */
    public void handshakeRefused(int status) {
        Counter c = handshakeRefusals.get(status);
        (c != null ? c : otherHandshakeRefusals).increment();
    }

    /** A connection ended with this close code. */
    public void closed(int code) {
        Counter c = closes.get(code);
        (c != null ? c : otherCloses).increment();
    }

    /**
     * This node handed a stored message to its followers' send queues; {@code appendedMillis} is when it was appended
     * (its {@code ts}: wall clock, so between nodes it includes their clocks' difference).
     */
    public void delivered(long appendedMillis) {
        delivery.record(Math.max(0, System.currentTimeMillis() - appendedMillis), TimeUnit.MILLISECONDS);
    }

    /** The history store committed one transaction of {@code messages} new messages in {@code nanos}. */
    public void committed(int messages, long nanos) {
        batch.record(messages);
        commit.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Where a cluster node reports each backplane round trip, in nanoseconds (registered only on a cluster node). */
    public LongConsumer backplaneLag() {
        Timer lag = Timer.builder(BACKPLANE)
                .description("From a NOTIFY sent by this node until its LISTEN session handled it, behind every notice before it")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
        return nanos -> lag.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The connection registry's numbers, read at each scrape. */
    public void watchConnections(Supplier<Number> connections, Supplier<Number> users, Supplier<Number> queuedBytes) {
        gauge(CONNECTIONS, "Open WebSocket connections", null, connections);
        gauge(USERS, "Users with at least one open connection", null, users);
        gauge(QUEUED, "Bytes waiting in the connections' send queues", "bytes", queuedBytes);
    }

    /** The followed streams' numbers, read at each scrape. */
    public void watchStreams(Supplier<Number> streams, Supplier<Number> follows) {
        gauge(STREAMS, "Streams (rooms, inboxes, topics) with followers on this node", null, streams);
        gauge(FOLLOWS, "Follows across all streams (a connection following three streams counts three)", null, follows);
    }

    private void gauge(String name, String help, String unit, Supplier<Number> value) {
        Gauge.builder(name, value).description(help).baseUnit(unit).strongReference(true).register(registry);
    }

    /** The registry in the exposition format {@code contentType} names (Prometheus text 0.0.4 or OpenMetrics 1.0). */
    public String scrape(String contentType) {
        return registry.scrape(contentType);
    }

    /**
     * The JSON form: the same numbers in the shape {@code /api/metrics} had before Prometheus (connections, users,
     * streams, follows, messages in and out with per-second rates over the last 10 s, queued bytes, refusals, the
     * store's messages and transactions, closes by code), plus refusals by code and the delivery latency's count and
     * mean. Rates and quantiles are Prometheus's to compute from the text forms.
     */
    public JsonObject json() {
        JsonObjectBuilder closed = Json.createObjectBuilder();
        for (int code : CLOSE_CODES) {
            long n = (long) closes.get(code).count();
            if (n > 0) {
                closed.add(String.valueOf(code), n);
            }
        }
        if (otherCloses.count() > 0) {
            closed.add(OTHER, (long) otherCloses.count());
        }
        JsonObjectBuilder refused = Json.createObjectBuilder();
        for (ErrorCode code : ErrorCode.values()) {
            refused.add(code.wire(), (long) refusals[code.ordinal()].count());
        }
        return Json.createObjectBuilder()
                .add("connections", gaugeValue(CONNECTIONS))
                .add("users", gaugeValue(USERS))
                .add("streams", gaugeValue(STREAMS))
                .add("follows", gaugeValue(FOLLOWS))
                .add("messagesIn", received())
                .add("messagesOut", sent())
                .add("inPerSecond", rate(inRing))
                .add("outPerSecond", rate(outRing))
                .add("queuedBytes", gaugeValue(QUEUED))
                .add("rateLimited", (long) refusals[ErrorCode.RATE_LIMITED.ordinal()].count())
                .add("overloaded", (long) refusals[ErrorCode.OVERLOADED.ordinal()].count())
                .add("stored", (long) batch.totalAmount())
                .add("storeTransactions", batch.count())
                .add("closes", closed)
                .add("refusals", refused)
                .add("deliveries", delivery.count())
                .add("deliveryMeanSeconds", delivery.mean(TimeUnit.SECONDS))
                .build();
    }

    private long gaugeValue(String name) {
        Gauge g = registry.find(name).gauge();
        return g == null ? 0 : (long) g.value();
    }

    /** Frames received on every endpoint so far. */
    long received() {
        long n = 0;
        for (Traffic t : byEndpoint.values()) {
            n += t.receivedCount();
        }
        return n;
    }

    /** Frames sent on every endpoint so far. */
    long sent() {
        long n = 0;
        for (Traffic t : byEndpoint.values()) {
            n += t.sentCount();
        }
        return n;
    }

    /** Once a second (the connection sweeps' scheduler): remembers the totals for the JSON form's per-second rates. */
    public synchronized void tick() {
        int next = (slot + 1) % (WINDOW + 1);
        inRing.set(next, received());
        outRing.set(next, sent());
        slot = next;
        samples = Math.min(samples + 1, WINDOW + 1);
    }

    private synchronized double rate(AtomicLongArray ring) {
        if (samples < 2) {
            return 0;
        }
        int span = samples - 1;
        int oldest = ((slot - span) % (WINDOW + 1) + WINDOW + 1) % (WINDOW + 1);
        return (ring.get(slot) - ring.get(oldest)) / (double) span;
    }

    private static Duration[] millis(long... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofMillis(values[i]);
        }
        return out;
    }
}
