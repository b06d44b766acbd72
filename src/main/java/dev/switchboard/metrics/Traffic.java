package dev.switchboard.metrics;

import dev.switchboard.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.noop.NoopCounter;

/**
 * The counters one connection moves, resolved once when it opens (by its endpoint), so that counting a frame is an
 * increment and never a lookup by tag: frames received and sent on its endpoint, and the refusals (error frames) it
 * was sent, by code. Thread-safe: counters are lock-free adders.
 */
public final class Traffic {

    /** For a connection made outside a registry (tests of the send queue alone): counts nothing. */
    public static final Traffic NOT_COUNTED = notCounted();

    private final Counter received;
    private final Counter sent;
    private final Counter[] refusals; // by ErrorCode ordinal

    Traffic(Counter received, Counter sent, Counter[] refusals) {
        this.received = received;
        this.sent = sent;
        this.refusals = refusals;
    }

    /** A frame (text or binary) arrived from the peer, whatever becomes of it. */
    public void received() {
        received.increment();
    }

    /** A frame was written to the peer. */
    public void sent() {
        sent.increment();
    }

    /** The connection was sent an error frame with this code. */
    public void refused(ErrorCode code) {
        refusals[code.ordinal()].increment();
    }

    long receivedCount() {
        return (long) received.count();
    }

    long sentCount() {
        return (long) sent.count();
    }

    private static Traffic notCounted() {
        Counter none = new NoopCounter(new Meter.Id("switchboard.not.counted", Tags.empty(), null, null, Meter.Type.COUNTER));
        Counter[] refusals = new Counter[ErrorCode.values().length];
        java.util.Arrays.fill(refusals, none);
        return new Traffic(none, none, refusals);
    }
}
