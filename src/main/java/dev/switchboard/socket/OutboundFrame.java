package dev.switchboard.socket;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;

/**
 * One encoded text frame, shared by every recipient of a broadcast: it is encoded once, and its size
 * (UTF-8 bytes, what it costs in a send queue) is counted once. A binary frame has {@code binary} set
 * (never modified once built) and {@code text} null.
 */
public record OutboundFrame(String text, int bytes, byte[] binary) {

    public OutboundFrame(String text, int bytes) {
        this(text, bytes, null);
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
