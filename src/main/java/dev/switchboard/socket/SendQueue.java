package dev.switchboard.socket;

import dev.switchboard.protocol.ServerMessage;
import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One connection's send queue: the only path by which frames reach its {@link Wire}, as Spring's
 * {@code ConcurrentWebSocketSessionDecorator} is for a session. It serialises and bounds sends, and nothing else.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread at any time and never blocks. Frames
 * are queued in order; at most one asynchronous send is in flight; the queue is bounded in bytes. When
 * a frame does not fit, the connection is a slow consumer: the queue is dropped and the wire closed
 * with 4008 (the client recovers with {@code since}). Whoever finishes a send starts the next,
 * looping instead of recursing when sends complete inline.
 *
 * <p>Lossy frames ({@link #send(OutboundFrame, Overflow, String)}) share the queue and its order but
 * never close the connection: {@link Overflow#LATEST_VALUE} replaces a queued, unsent frame of the same
 * key; {@link Overflow#DROP_OLDEST} drops the oldest queued frames of the same key and turns the first
 * dropped one into a {@code skipped} marker counting every frame lost since, sent where the lost frames
 * stood. Lossless frames that do not fit first evict drop-oldest frames (counted the same way). Every
 * decision about a lossy slot (replace, drop, take for sending) is made under {@link #lossy}.
 */
final class SendQueue {

    private static final int MARKER_BYTES = 64;

    private final Wire wire;
    private final long maxQueuedBytes;

    /** Bounded in bytes ({@code maxQueuedBytes}): a frame that does not fit closes with 4008 or drops by policy. */
    private final ConcurrentLinkedQueue<Slot> queue = new ConcurrentLinkedQueue<>();
    private final Object lossy = new Object();
    private final Map<String, Slot> newest = new HashMap<>(); // LATEST_VALUE key → its queued slot; under lossy
    private final Map<String, Slot> markers = new HashMap<>(); // DROP_OLDEST key → its untaken marker; under lossy
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** {@link System#nanoTime()} when the send in flight started; 0 when none is. */
    private volatile long sendingSince;
    private volatile CloseReason closeWhenSent;

    SendQueue(Wire wire, long maxQueuedBytes) {
        this.wire = wire;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    boolean isOpen() {
        return !closed.get();
    }

    /** Queues a frame; returns false when the queue is closed or was just closed as a slow consumer. */
    boolean send(OutboundFrame frame) {
        if (closed.get() || closeWhenSent != null) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.bytes()) > maxQueuedBytes) {
            queuedBytes.addAndGet(-frame.bytes());
            boolean roomMade;
            synchronized (lossy) { // lossy frames of any key give way before a lossless one closes the connection
                roomMade = makeRoom(frame.bytes(), null);
                if (roomMade) {
                    queuedBytes.addAndGet(frame.bytes());
                }
            }
            if (!roomMade) {
                close(CloseCodes.SLOW);
                return false;
            }
        }
        queue.add(new Slot(frame, Overflow.CLOSE, null));
        if (sending.compareAndSet(false, true)) {
            pump();
        }
        return true;
    }

    /**
     * Queues a frame under the overflow policy of its stream; {@code key} (e.g. the topic) groups the
     * frames a lossy policy replaces or drops. {@link Overflow#CLOSE} (or a null key) is {@link #send(OutboundFrame)}.
     * Returns false only when the queue is closed.
     */
    boolean send(OutboundFrame frame, Overflow policy, String key) {
        if (policy == Overflow.CLOSE || key == null) {
            return send(frame);
        }
        if (closed.get() || closeWhenSent != null) {
            return false;
        }
        synchronized (lossy) {
            Slot queued = policy == Overflow.LATEST_VALUE ? newest.get(key) : null;
            if (queued != null) { // not taken yet: the newer value takes its place
                queuedBytes.addAndGet(frame.bytes() - queued.charged);
                queued.frame = frame;
                queued.charged = frame.bytes();
                return true;
            }
            if (queuedBytes.get() + frame.bytes() > maxQueuedBytes
                    && !(makeRoom(frame.bytes(), key) && queuedBytes.get() + frame.bytes() <= maxQueuedBytes)) {
                skip(key, null); // this frame itself is lost; the marker still tells the client
            } else {
                Slot slot = new Slot(frame, policy, key);
                queuedBytes.addAndGet(frame.bytes());
                queue.add(slot);
                if (policy == Overflow.LATEST_VALUE) {
                    newest.put(key, slot);
                }
            }
        }
        if (sending.compareAndSet(false, true)) {
            pump();
        }
        return true;
    }

    /** Frames of {@code key} lost to overflow so far and not yet reported in a sent {@code skipped} frame. */
    long pendingSkipped(String key) {
        synchronized (lossy) {
            Slot m = markers.get(key);
            return m == null ? 0 : m.skipped;
        }
    }

    /** Bytes waiting to be written, the send in flight included. */
    long queuedBytes() {
        return queuedBytes.get();
    }

    /** True when a send has been in flight for longer than {@code timeoutNanos} at {@code now} (a peer that stopped reading). */
    boolean sendStalled(long now, long timeoutNanos) {
        long since = sendingSince;
        return since != 0 && now - since > timeoutNanos;
    }

    /** Closes once; frames still queued are discarded. */
    void close(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            wire.close(reason);
        }
    }

    /** As {@link #close}, on the caller's thread (server shutdown). */
    void closeNow(CloseReason reason) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            wire.closeNow(reason);
        }
    }

    /** Accepts no more frames and closes once those already queued are sent. */
    void closeWhenSent(CloseReason reason) {
        if (closed.get() || closeWhenSent != null) {
            return;
        }
        closeWhenSent = reason;
        if (sending.compareAndSet(false, true)) {
            pump();
        }
    }

    /** The peer or container closed the wire: nothing more is sent. */
    void closed() {
        closed.set(true);
        queue.clear();
    }

    /** Under {@link #lossy}: drops the oldest drop-oldest frames (of {@code key}, or of any key when null) until {@code need} fits. */
    private boolean makeRoom(long need, String key) {
        for (Iterator<Slot> it = queue.iterator(); it.hasNext() && queuedBytes.get() + need > maxQueuedBytes; ) {
            Slot s = it.next();
            if (s.policy == Overflow.DROP_OLDEST && !s.taken && !s.dropped && s.skipped == 0
                    && (key == null || key.equals(s.key))) {
                if (skip(s.key, s)) {
                    it.remove();
                }
            }
        }
        return queuedBytes.get() + need <= maxQueuedBytes;
    }

    /**
     * Under {@link #lossy}: counts one lost frame of {@code key}. {@code victim} (a queued slot, or null for
     * a frame never queued) becomes the key's marker if it has none; returns true when the victim must leave the queue.
     */
    private boolean skip(String key, Slot victim) {
        Slot marker = markers.get(key);
        if (marker == null) {
            if (victim == null) {
                marker = new Slot(null, Overflow.DROP_OLDEST, key);
                queue.add(marker);
            } else {
                marker = victim;
                queuedBytes.addAndGet(-victim.charged);
                victim.frame = null;
            }
            marker.charged = MARKER_BYTES; // a skipped frame is small; it may exceed the budget by this much
            queuedBytes.addAndGet(MARKER_BYTES);
            markers.put(key, marker);
            marker.skipped = 1;
            return false;
        }
        marker.skipped++;
        if (victim != null) {
            victim.dropped = true;
            queuedBytes.addAndGet(-victim.charged);
            return true;
        }
        return false;
    }

    /** Sends queued frames one at a time; the caller holds {@link #sending}. */
    private void pump() {
        while (true) {
            Slot slot = closed.get() ? null : queue.poll();
            if (slot == null) {
                if (closeWhenSent != null && !closed.get()) {
                    close(closeWhenSent);
                }
                sending.set(false);
                // a frame (or a closeWhenSent) arriving after our poll but before the release must not be stranded
                if (closed.get() || queue.isEmpty() && closeWhenSent == null || !sending.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            OutboundFrame frame = take(slot);
            if (frame == null) {
                continue; // dropped while it waited
            }
            long charged = slot.charged;
            AtomicInteger state = new AtomicInteger(); // 0 in flight, 1 completed inline, 2 completes later
            Consumer<Throwable> done = failure -> {
                sendingSince = 0;
                queuedBytes.addAndGet(-charged);
                if (failure != null) {
                    close(CloseCodes.SERVER_ERROR);
                }
                if (!state.compareAndSet(0, 1)) {
                    pump(); // completed after the loop left: this thread carries on
                }
            };
            sendingSince = System.nanoTime() | 1; // never 0 while in flight
            if (frame.isBinary()) {
                wire.sendBinary(ByteBuffer.wrap(frame.binary()).asReadOnlyBuffer(), done);
            } else {
                wire.sendText(frame.text(), done);
            }
            if (!state.compareAndSet(0, 2)) {
                continue; // completed inline: keep looping on this thread
            }
            return;
        }
    }

    /** The frame to send for a slot just polled, or null when it was dropped; lossy slots are decided under {@link #lossy}. */
    private OutboundFrame take(Slot slot) {
        if (slot.policy == Overflow.CLOSE) {
            return slot.frame;
        }
        synchronized (lossy) {
            if (slot.dropped) {
                return null;
            }
            slot.taken = true;
            if (slot.skipped > 0) {
                markers.remove(slot.key, slot);
                OutboundFrame f = OutboundFrame.of(new ServerMessage.Skipped(slot.key, slot.skipped));
                queuedBytes.addAndGet(f.bytes() - slot.charged);
                slot.charged = f.bytes();
                return f;
            }
            newest.remove(slot.key, slot);
            return slot.frame;
        }
    }

    /** A queued frame and, for lossy ones, its fate; the mutable fields change only under {@link #lossy}. */
    private static final class Slot {
        final Overflow policy;
        final String key;
        OutboundFrame frame;
        long charged;
        long skipped; // > 0: this slot is a skipped marker
        boolean taken;
        boolean dropped;

        Slot(OutboundFrame frame, Overflow policy, String key) {
            this.frame = frame;
            this.policy = policy;
            this.key = key;
            this.charged = frame == null ? 0 : frame.bytes();
        }
    }
}
