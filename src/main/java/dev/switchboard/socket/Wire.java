package dev.switchboard.socket;

import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** The one way out of the server for a connection: an asynchronous text send and a close. */
public interface Wire {

    /** Starts sending; {@code done} receives null on success or the failure. Must not block. */
    void sendText(String text, Consumer<Throwable> done);

    /** Starts sending a binary frame; as {@link #sendText}. Wires that cannot send binary fail the send. */
    default void sendBinary(ByteBuffer data, Consumer<Throwable> done) {
        done.accept(new UnsupportedOperationException("binary frames"));
    }

    /** Closes with the given reason. Must not block the caller. */
    void close(CloseReason reason);

    /** Closes on the caller's thread, blocking if need be: only for shutdown. */
    default void closeNow(CloseReason reason) {
        close(reason);
    }

    /** Sends a WebSocket ping (heartbeat). Must not block the caller. */
    default void ping() {}
}
