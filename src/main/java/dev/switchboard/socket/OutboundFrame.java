package dev.switchboard.socket;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;

/**
 * One encoded text frame, shared by every recipient of a broadcast: it is encoded once, and its size
 * (UTF-8 bytes, what it costs in a send queue) is counted once.
 */
public record OutboundFrame(String text, int bytes) {

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
