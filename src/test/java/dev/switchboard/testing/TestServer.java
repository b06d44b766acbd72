package dev.switchboard.testing;

import dev.switchboard.chat.ChatService;
import dev.switchboard.chat.DirectMessages;
import dev.switchboard.chat.LocalPresence;
import dev.switchboard.chat.Presence;
import dev.switchboard.chat.RoomService;
import dev.switchboard.chat.UserDirectory;
import dev.switchboard.cluster.LocalFanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.InMemoryHistoryStore;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.security.AccessTokens;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.security.Identities;
import dev.switchboard.security.TokenRefresh;
import dev.switchboard.security.InboundGuard;
import dev.switchboard.security.RateLimiter;
import dev.switchboard.security.TokenService;
import dev.switchboard.socket.ConnectionRegistry;
import dev.switchboard.socket.EndpointLifecycle;
import dev.switchboard.topics.TopicRetention;
import dev.switchboard.topics.TopicService;
import dev.switchboard.topics.TopicSubscriptions;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.LoopbackAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import dev.switchboard.chat.Invitations;
import dev.switchboard.chat.MessageEdits;
import dev.switchboard.chat.Moderation;
import dev.switchboard.chat.ReadMarkers;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.rooms.Attachments;
import dev.switchboard.chat.RoomAttachments;
import java.util.UUID;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * Switchboard's endpoints in-process on Tyrus, listening on 127.0.0.1 only (Tyrus's own {@code Server}
 * binds every interface), on a free port, with the services wired by hand as CDI would wire them.
 */
public final class TestServer implements AutoCloseable {

    public static final String SECRET = "test-secret-of-at-least-32-bytes!";

    public final Settings settings;
    /** This server's meters, as GET /api/metrics reads them in the container. */
    public final Metrics metrics = Metrics.create();
    public final TokenService tokens;
    public final HistoryStore history;
    public final StreamFollowers followers;
    public final Presence presence;
    public final RoomService rooms;
    public final ConnectionRegistry connections;
    public final TopicService topics;
    public final dev.switchboard.chat.Memberships memberships;
    public final RoomStandings standings;
    public final Attachments attachments;
    /** The one node's fan-out (the admin API's tests ask it, as operators do through the WAR). */
    public final LocalFanOut fanOut;
    private final HistoryDatabase database;
    private final ExecutorService closer = Executors.newCachedThreadPool();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HttpServer http;
    private final LoopbackContainer container;

    private TestServer(Settings settings, HistoryStore history, Class<?>... endpoints) throws IOException, DeploymentException {
        this.settings = settings;
        // identity-provider tokens when the settings name a JWKS file (see testing/IdentityProvider)
        tokens = new TokenService(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofHours(1), Clock.systemUTC(), null,
                new AccessTokens(settings));
        this.history = history != null ? history : new InMemoryHistoryStore(new TopicRetention(settings));
        fanOut = new LocalFanOut();
        followers = new StreamFollowers(fanOut, this.history, settings.sendQueueBytes(), metrics);
        presence = new LocalPresence();
        // rooms' standings and memberships in an in-memory H2 of this server's own, as the WAR keeps them in its database
        database = HistoryDatabase.h2("jdbc:h2:mem:rooms-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "", "");
        standings = new RoomStandings(database);
        attachments = new Attachments(database, settings.attachmentRoomQuotaBytes());
        rooms = new RoomService(this.history, followers, fanOut, presence, settings, standings);
        UserDirectory users = new UserDirectory(this.history, (HistoryDatabase) null);
        DirectMessages directs = new DirectMessages(this.history, fanOut, users, rooms);
        memberships = new dev.switchboard.chat.Memberships(database);
        connections = new ConnectionRegistry(settings, metrics, closer, scheduler);
        dev.switchboard.web.MetricsGauges.bind(metrics, connections, followers);
        TokenRefresh refresh = new TokenRefresh(tokens, connections);
        Moderation moderation = new Moderation(this.history, fanOut, standings, rooms, users, memberships, connections);
        moderation.listen();
        ChatService chat = new ChatService(rooms, directs, users, memberships, settings, standings, moderation,
                new Invitations(this.history, fanOut, standings, rooms, users, settings),
                new MessageEdits(this.history, fanOut, rooms), new ReadMarkers(this.history, fanOut, standings, rooms),
                new RoomAttachments(this.history, followers, fanOut, rooms, attachments), refresh);
        topics = new TopicService(settings, this.history, fanOut, new TopicSubscriptions(followers, fanOut, settings), refresh);
        InboundGuard guard = new InboundGuard(settings, new RateLimiter(settings));
        Identities identities = new Identities(tokens);
        EndpointLifecycle lifecycle = new EndpointLifecycle(connections, identities, guard);
        TestInjection.provide(List.of(chat, connections, identities, settings, tokens, users, rooms, topics, guard, lifecycle));

        container = new LoopbackContainer();
        for (Class<?> e : endpoints) {
            container.register(e);
        }
        http = new HttpServer();
        NetworkListener listener = new NetworkListener("test", "127.0.0.1", 0);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.registerAddOn(LoopbackAddOn.create(container, "/switchboard"));
        http.addListener(listener);
        http.start();
        container.start("/switchboard", listener.getPort());
    }

    public static TestServer start(Settings settings, Class<?>... endpoints) {
        return start(settings, null, endpoints);
    }

    /** With the given history store (e.g. the JPA one on an H2 file) instead of the in-memory one. */
    public static TestServer start(Settings settings, HistoryStore history, Class<?>... endpoints) {
        try {
            return new TestServer(settings, history, endpoints);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DeploymentException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return http.getListener("test").getPort();
    }

    /** ws://127.0.0.1:port/switchboard + path */
    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + "/switchboard" + path);
    }

    /** A signed-in URI for {@code user}: the token in the query, as non-browser clients send it. */
    public URI uri(String path, String user) {
        return URI.create(uri(path) + "?token=" + tokens.issue(user).value());
    }

    @Override
    public void close() {
        container.stop();
        http.shutdownNow();
        closer.shutdownNow();
        scheduler.shutdownNow();
        database.close();
    }

    /** Tyrus's server container without its own HTTP server. */
    private static final class LoopbackContainer extends TyrusServerContainer {
        private final TyrusWebSocketEngine engine = TyrusWebSocketEngine.builder(this).build();

        LoopbackContainer() {
            super((java.util.Set<Class<?>>) null);
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            engine.register(endpointClass, "/switchboard");
        }

        @Override
        public void register(ServerEndpointConfig config) throws DeploymentException {
            engine.register(config, "/switchboard");
        }

        @Override
        public WebSocketEngine getWebSocketEngine() {
            return engine;
        }

        @Override
        public java.util.Map<String, Object> getProperties() {
            return java.util.Map.of();
        }
    }
}
