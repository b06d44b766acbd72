package dev.switchboard.socket;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * This deployment's traffic counters for operators ({@code GET /api/metrics}): messages in and out,
 * refusals, closes by code. Static because every layer counts (sends in the socket layer, refusals in
 * security) and counting must cost nothing; the counters live as long as the deployment's class loader.
 * Per-second rates come from a 10-second ring sampled by {@link #tick()} once a second.
 */
public final class Metrics {

    private static final LongAdder IN = new LongAdder();
    private static final LongAdder OUT = new LongAdder();
    private static final LongAdder RATE_LIMITED = new LongAdder();
    private static final LongAdder OVERLOADED = new LongAdder();
    private static final LongAdder STORED = new LongAdder();
    private static final LongAdder STORE_TRANSACTIONS = new LongAdder();
    private static final Map<Integer, LongAdder> CLOSES = new ConcurrentHashMap<>();
    private static final int WINDOW = 10;
    private static final AtomicLongArray IN_RING = new AtomicLongArray(WINDOW + 1);
    private static final AtomicLongArray OUT_RING = new AtomicLongArray(WINDOW + 1);
    private static volatile int slot;
    private static volatile int samples;

    private Metrics() {}

    public static void received() {
        IN.increment();
    }

    static void sent() {
        OUT.increment();
    }

    public static void rateLimited() {
        RATE_LIMITED.increment();
    }

    /** The history store committed one transaction holding {@code messages} new messages (group commit). */
    public static void stored(int messages) {
        STORED.add(messages);
        STORE_TRANSACTIONS.increment();
    }

    public static long storedMessages() {
        return STORED.sum();
    }

    public static long storeTransactions() {
        return STORE_TRANSACTIONS.sum();
    }

    /** A connection ended with this code (sent by the server or by the peer; 1006 = no close frame). */
    public static void closed(int code) {
        CLOSES.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /** Once a second: remembers the totals for the per-second rates. */
    static synchronized void tick() {
        int next = (slot + 1) % (WINDOW + 1);
        IN_RING.set(next, IN.sum());
        OUT_RING.set(next, OUT.sum());
        slot = next;
        samples = Math.min(samples + 1, WINDOW + 1);
    }

    public static long messagesIn() {
        return IN.sum();
    }

    public static long messagesOut() {
        return OUT.sum();
    }

    /** A message refused with {@code overloaded}: the store was behind. */
    public static void overloaded() {
        OVERLOADED.increment();
    }

    public static long overloadedTotal() {
        return OVERLOADED.sum();
    }

    public static long rateLimitedTotal() {
        return RATE_LIMITED.sum();
    }

    /** Average per second over the last (up to) 10 seconds. */
    public static double inPerSecond() {
        return rate(IN_RING);
    }

    public static double outPerSecond() {
        return rate(OUT_RING);
    }

    public static Map<Integer, Long> closesByCode() {
        Map<Integer, Long> out = new TreeMap<>();
        CLOSES.forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }

    private static synchronized double rate(AtomicLongArray ring) {
        if (samples < 2) {
            return 0;
        }
        int span = samples - 1;
        int oldest = ((slot - span) % (WINDOW + 1) + WINDOW + 1) % (WINDOW + 1);
        return (ring.get(slot) - ring.get(oldest)) / (double) span;
    }
}
