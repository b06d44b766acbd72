package dev.switchboard.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * A protocol-speaking test client: collects JSON frames in order, waits with timeouts (never sleeps).
 * Works against the in-process server and the container alike.
 */
public final class WsClient implements AutoCloseable {

    public static final long TIMEOUT_SECONDS = 10;
    private static final ClientManager CLIENTS = ClientManager.createClient();

    static {
        CLIENTS.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, 10_000);
    }

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private Session session;

    private WsClient() {}

    public static WsClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    /** Connects with extra handshake headers (Origin, Cookie) and offers subprotocol switchboard.v1. */
    public static WsClient connect(URI uri, Map<String, String> headers) {
        try {
            return open(uri, headers);
        } catch (DeploymentException | IOException e) {
            throw new AssertionError("handshake to " + uri.getPath() + " failed: " + e, e);
        }
    }

    /** Connects; the handshake's failure is the caller's to inspect. */
    public static WsClient open(URI uri, Map<String, String> headers) throws DeploymentException, IOException {
        WsClient client = new WsClient();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("switchboard.v1"))
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> h) {
                        h.keySet().removeIf("Origin"::equalsIgnoreCase); // Tyrus adds one; we act as a non-browser client
                        headers.forEach((k, v) -> h.put(k, new ArrayList<>(List.of(v))));
                    }
                }).build();
        client.session = CLIENTS.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig endpointConfig) {
                session.addMessageHandler(String.class, text -> {
                    try {
                        client.frames.add(Json.createReader(new StringReader(text)).readObject());
                    } catch (RuntimeException e) {
                        client.frames.add(Json.createObjectBuilder().add("type", "<not json>").add("raw", text).build());
                    }
                });
                session.addMessageHandler(byte[].class, client.binaries::add);
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                client.closed.complete(reason);
            }
        }, config, uri);
        return client;
    }

    public Session session() {
        return session;
    }

    /** Sends and waits until written, so a failed write fails the test here instead of as a missing answer later. */
    public void send(String json) {
        try {
            session.getBasicRemote().sendText(json);
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    public void sendBinary(byte[] data) {
        try {
            session.getBasicRemote().sendBinary(java.nio.ByteBuffer.wrap(data));
        } catch (IOException e) {
            throw new AssertionError("send failed: " + e, e);
        }
    }

    /** The next frame, whatever it is. */
    public JsonObject next() {
        try {
            JsonObject o = frames.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (o == null) {
                fail("no frame within " + TIMEOUT_SECONDS + " s (session " + (session.isOpen() ? "open"
                        : "closed: " + closed.getNow(null)) + ")");
            }
            return o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next binary frame. */
    public byte[] nextBinary() {
        try {
            byte[] b = binaries.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (b == null) {
                fail("no binary frame within " + TIMEOUT_SECONDS + " s");
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, which must be of this type. */
    public JsonObject expect(String type) {
        JsonObject o = next();
        assertEquals(type, o.getString("type", null), () -> "expected a " + type + " frame, got " + o);
        return o;
    }

    /** Skips frames until one of this type arrives. */
    public JsonObject until(String type) {
        while (true) {
            JsonObject o = next();
            if (type.equals(o.getString("type", null))) {
                return o;
            }
        }
    }

    /** A frame already received or arriving within {@code millis}, or null: for asserting that nothing comes. */
    public JsonObject poll(long millis) {
        try {
            return frames.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public CloseReason awaitClose() {
        try {
            return closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("not closed within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Connects, then reads the welcome frame. */
    public static WsClient welcomed(URI uri) {
        WsClient c = connect(uri);
        c.expect("welcome");
        return c;
    }

    /** Joins a room and returns the joined frame. */
    public JsonObject join(String room) {
        send(Json.createObjectBuilder().add("type", "join").add("room", room).build().toString());
        return expect("joined");
    }

    @Override
    public void close() {
        try {
            if (session != null && session.isOpen()) {
                session.close();
            }
        } catch (IOException ignored) {
            // already gone
        }
    }
}
