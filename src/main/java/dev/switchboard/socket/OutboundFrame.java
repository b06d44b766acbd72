package dev.switchboard.socket;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import java.time.Instant;

/**
 * One encoded text frame, shared by every recipient of a broadcast: it is encoded once, and its size
 * (UTF-8 bytes, what it costs in a send queue) is counted once. A binary frame has {@code binary} set
 * (never modified once built) and {@code text} null. A stored message's frame carries when it was appended
 * ({@code appendedMillis}, its {@code ts}; 0 for other frames), so delivery can measure its latency.
 */
public record OutboundFrame(String text, int bytes, byte[] binary, long appendedMillis) {

    public OutboundFrame(String text, int bytes) {
        this(text, bytes, null, 0);
    }

    public OutboundFrame(String text, int bytes, byte[] binary) {
        this(text, bytes, binary, 0);
    }

    /** The same frame, marked as the frame of a message appended at {@code ts}. */
    public OutboundFrame appendedAt(Instant ts) {
        return new OutboundFrame(text, bytes, binary, ts.toEpochMilli());
    }

    /** A binary frame of these bytes (not copied: callers hand over an array they no longer change). */
    public static OutboundFrame binary(byte[] data) {
        return new OutboundFrame(null, data.length, data);
    }

    public boolean isBinary() {
        return binary != null;
    }

    public static OutboundFrame of(ServerMessage message) {
        return of(MessageCodec.write(message));
    }

    public static OutboundFrame of(String text) {
        return new OutboundFrame(text, utf8Length(text));
    }

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                bytes += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1; // a surrogate pair is 4 bytes in all
            }
        }
        return bytes;
    }
}
