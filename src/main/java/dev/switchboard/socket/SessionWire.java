package dev.switchboard.socket;

import dev.switchboard.metrics.Traffic;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link Wire} over a container {@link Session}: async sends; closes off the caller's thread. The send
 * timeout is a sweep ({@link ConnectionSweeps#closeStalled}), not the container's per-send timer.
 */
final class SessionWire implements Wire {

    private static final Logger LOG = Logger.getLogger(SessionWire.class.getName());

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final Executor closer;
    private final Traffic traffic;

    SessionWire(Session session, Executor closer, Traffic traffic) {
        this.session = session;
        this.traffic = traffic;
        this.remote = session.getAsyncRemote();
        this.closer = closer;
    }

    @Override
    public void sendText(String text, Consumer<Throwable> done) {
        try {
            remote.sendText(text, result -> {
                if (result.isOK()) {
                    traffic.sent();
                }
                done.accept(result.isOK() ? null : result.getException());
            });
        } catch (RuntimeException e) { // the session closed under us
            done.accept(e);
        }
    }

    @Override
    public void sendBinary(ByteBuffer data, Consumer<Throwable> done) {
        try {
            remote.sendBinary(data, result -> {
                if (result.isOK()) {
                    traffic.sent();
                }
                done.accept(result.isOK() ? null : result.getException());
            });
        } catch (RuntimeException e) {
            done.accept(e);
        }
    }

    @Override
    public void ping() {
        // off the heartbeat thread: some containers write pings blocking
        closer.execute(() -> {
            try {
                if (session.isOpen()) {
                    remote.sendPing(ByteBuffer.allocate(0));
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "ping of {0} failed: {1}", new Object[] {session.getId(), e.toString()});
            }
        });
    }

    @Override
    public void close(CloseReason reason) {
        try {
            closer.execute(() -> closeNow(reason));
        } catch (RejectedExecutionException e) { // the executor is going away with the application
            closeNow(reason);
        }
    }

    /** On the caller's thread: for shutdown, when no executor task may run before the server exits. */
    @Override
    public void closeNow(CloseReason reason) {
        try {
            if (session.isOpen()) {
                // one line per connection the server closes; the user is the handshake's, never a token
                LOG.info(() -> "connection " + session.getId() + " of " + user() + " closed by server ("
                        + reason.getCloseCode().getCode() + ", " + reason.getReasonPhrase() + ")");
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "close of {0} failed: {1}", new Object[] {session.getId(), e.toString()});
        }
    }

    private String user() {
        try {
            return session.getUserPrincipal() == null ? "?" : session.getUserPrincipal().getName();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
