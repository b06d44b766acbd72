package dev.switchboard.socket;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stops and restarts reading one connection's frames, where the container can: on WildFly, Undertow's WebSocket channel
 * ({@code UndertowSession.getWebSocketChannel().suspendReceives()}). Jakarta WebSocket has no such call; found by
 * reflection, so the WAR carries no Undertow classes and other containers (Payara's Tyrus) simply get none.
 *
 * <p>What it is for: a sender whose messages the store has not taken yet is not read further, so TCP slows it down,
 * as Node's {@code ws} does by reading only as fast as it writes, and the I/O threads stay free for everyone else.
 */
final class ReadPause {

    private static final Logger LOG = Logger.getLogger(ReadPause.class.getName());

    private final Object channel;
    private final Method suspend;
    private final Method resume;

    private ReadPause(Object channel, Method suspend, Method resume) {
        this.channel = channel;
        this.suspend = suspend;
        this.resume = resume;
    }

    /** The session's read control, or null where the container offers none. */
    static ReadPause of(Session session) {
        try {
            Method get = session.getClass().getMethod("getWebSocketChannel");
            Object channel = get.invoke(session);
            if (channel == null) {
                return null;
            }
            return new ReadPause(channel, channel.getClass().getMethod("suspendReceives"),
                    channel.getClass().getMethod("resumeReceives"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // not Undertow
        }
    }

    void suspend() {
        call(suspend);
    }

    void resume() {
        call(resume);
    }

    private void call(Method m) {
        try {
            m.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "could not {0} reading: {1}", new Object[] {m.getName(), e.toString()});
        }
    }
}
