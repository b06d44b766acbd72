package dev.switchboard.admin;

import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredEvents;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.security.HandshakeConfigurator;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.ConnectionRegistry;
import dev.switchboard.socket.OutboundFrame;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * What an operator does through the admin API, on every node of a cluster: list a user's connections, disconnect a
 * user everywhere, close and reopen a room, and send a system notice to a room (kept in its history) or to everyone
 * connected (live only). Each action is logged with who did it and from where. Input is checked here
 * ({@link BadInput}); who may call is {@link OperatorCheck}'s.
 * <p>
 * Listing asks every live node over the fan-out and waits at most {@link #NODE_WAIT} for their parts (see
 * {@link NodeAnswers}), so a connection's open and close write nothing anywhere to be listable.
 */
@ApplicationScoped
public class AdminService {

    private static final Logger LOG = Logger.getLogger(AdminService.class.getName());

    /** How long a listing waits for the other nodes' parts. */
    static final Duration NODE_WAIT = Duration.ofSeconds(2);
    /** How long a room notice waits to be stored. */
    static final Duration STORE_WAIT = Duration.ofSeconds(10);
    static final int MAX_NOTICE_CHARS = 1000;
    static final int MAX_ROOM_REASON_CHARS = 500;
    /** A WebSocket close reason is at most 123 bytes of UTF-8. */
    static final int MAX_CLOSE_REASON_BYTES = 123;
    static final String DEFAULT_DISCONNECT_REASON = "disconnected by an operator";
    /** Users: what tokens allow, and what container logins commonly hold (an e-mail address). */
    static final Pattern USER = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    /** Rooms, as chat names them. */
    static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** The kinds of node requests this service sends and answers. */
    static final String CONNECTIONS = "connections";
    static final String NOTICE = "notice";

    /** A user's connections on every node that answered; {@code missing}: live nodes that did not answer in time. */
    public record UserConnections(String user, List<ConnectionInfo> connections, List<String> nodes, List<String> missing) {}

    /** How a room action went. */
    public enum Outcome { DONE, NO_SUCH_ROOM, CONFLICT }

    /** A room notice: how it went, and its seq in the room when stored. */
    public record Posted(Outcome outcome, long seq) {}

    /** A request the API refuses as malformed (400), with the reason. */
    public static final class BadInput extends IllegalArgumentException {
        public BadInput(String message) {
            super(message);
        }
    }

    /** The store or the database did not answer (503): nothing, or not everything, was done. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private FanOut fanOut;
    private ConnectionRegistry connections;
    private StreamFollowers followers;
    private RoomStandings standings;
    private HistoryStore history;
    private String node;
    private Supplier<List<String>> liveNodes;
    private Clock clock;
    private NodeAnswers answers;

    protected AdminService() {} // for CDI proxies

    @Inject
    public AdminService(FanOut fanOut, ConnectionRegistry connections, StreamFollowers followers, RoomStandings standings,
            HistoryStore history, ClusterNode cluster) {
        this(fanOut, connections, followers, standings, history, cluster.id(), cluster::liveNodes, Clock.systemUTC());
    }

    /** Outside a container: this node's id and how to learn the live nodes' ids (one node: itself). */
    public AdminService(FanOut fanOut, ConnectionRegistry connections, StreamFollowers followers, RoomStandings standings,
            HistoryStore history, String node, Supplier<List<String>> liveNodes, Clock clock) {
        this.fanOut = fanOut;
        this.connections = connections;
        this.followers = followers;
        this.standings = standings;
        this.history = history;
        this.node = node;
        this.liveNodes = liveNodes;
        this.clock = clock;
        this.answers = new NodeAnswers(fanOut, node);
    }

    /** Answers the other nodes' requests from now on; outside a container the caller calls it once. */
    @PostConstruct
    public void listen() {
        fanOut.onRequest(this::requested);
        fanOut.onReply(answers::replied);
    }

    /** Created with the application: another node's request must find this node listening. */
    void startup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the observer's bean is created (and listening) by being asked
    }

    // ---- actions

    /** The user's open connections on every live node, oldest first; the nodes that did not answer are listed. */
    public UserConnections connections(String user, OperatorCheck.Caller by) throws InterruptedException {
        checkUser(user);
        List<String> nodes = nodes();
        NodeAnswers.Gathered g = answers.ask(nodes, CONNECTIONS, user, NODE_WAIT);
        List<ConnectionInfo> found = new ArrayList<>();
        for (String item : g.items()) {
            found.add(ConnectionInfo.of(item));
        }
        found.sort(Comparator.comparing(ConnectionInfo::since));
        if (!g.missing().isEmpty()) {
            LOG.warning("admin: nodes " + g.missing() + " did not list their connections within " + NODE_WAIT.toMillis() + " ms");
        }
        LOG.info(() -> "admin: " + by + " listed the connections of " + user + " (" + found.size() + ")");
        return new UserConnections(user, found, g.answered(), g.missing());
    }

    /**
     * Closes every connection of the user on every node with 1008 and {@code reason} (clients do not reconnect on
     * their own after a 1008). Not a ban: the user may sign in and connect again.
     */
    public String disconnect(String user, String reason, OperatorCheck.Caller by) {
        checkUser(user);
        String why = reason == null || reason.isBlank() ? DEFAULT_DISCONNECT_REASON : reason.strip();
        if (why.getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES || why.indexOf('\n') >= 0) {
            throw new BadInput("reason is one line of at most " + MAX_CLOSE_REASON_BYTES + " bytes (a WebSocket close reason)");
        }
        LOG.info(() -> "admin: " + by + " disconnects " + user + " everywhere: " + why);
        fanOut.disconnectEverywhere(user, why);
        return why;
    }

    /**
     * Closes the room: stored first (new joins are refused from then on), then announced to every node, where everyone
     * in it leaves with a {@code left} of reason {@code closed}. Members, roles and history are kept for a reopen.
     */
    public Outcome closeRoom(String room, String reason, OperatorCheck.Caller by) {
        checkRoom(room);
        if (reason != null && reason.length() > MAX_ROOM_REASON_CHARS) {
            throw new BadInput("reason is over " + MAX_ROOM_REASON_CHARS + " characters");
        }
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        try {
            if (!standings.close(room, by.user(), why, clock.millis())) {
                return standings.exists(room) ? Outcome.CONFLICT : Outcome.NO_SUCH_ROOM;
            }
        } catch (RoomStandings.Unavailable e) {
            throw new Unavailable("the rooms' database did not answer", e);
        }
        LOG.info(() -> "admin: " + by + " closed room " + room + (why == null ? "" : ": " + why));
        fanOut.announce(new FanOut.RoomNotice(room, null, FanOut.RoomNotice.CLOSE, by.user(), why));
        return Outcome.DONE;
    }

    /** Opens a closed room again: joins and sends are accepted, and its history is there as before. */
    public Outcome reopenRoom(String room, OperatorCheck.Caller by) {
        checkRoom(room);
        try {
            if (!standings.reopen(room)) {
                return standings.exists(room) ? Outcome.CONFLICT : Outcome.NO_SUCH_ROOM;
            }
        } catch (RoomStandings.Unavailable e) {
            throw new Unavailable("the rooms' database did not answer", e);
        }
        LOG.info(() -> "admin: " + by + " reopened room " + room);
        fanOut.announce(new FanOut.RoomNotice(room, null, FanOut.RoomNotice.REOPEN, by.user(), null));
        return Outcome.DONE;
    }

    /** A system notice kept in the room's history (a {@code notice} frame with its seq, for everyone in it). */
    public Posted noticeToRoom(String room, String text, OperatorCheck.Caller by) throws InterruptedException {
        checkRoom(room);
        String t = checkNotice(text);
        try {
            var standing = standings.standing(room, by.user());
            if (!standing.exists()) {
                return new Posted(Outcome.NO_SUCH_ROOM, 0);
            }
            if (standing.room().closed()) {
                return new Posted(Outcome.CONFLICT, 0);
            }
        } catch (RoomStandings.Unavailable e) {
            throw new Unavailable("the rooms' database did not answer", e);
        }
        CompletableFuture<Long> stored = new CompletableFuture<>();
        history.append(room, StoredEvents.notice(by.user(), t, clock.instant()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                fanOut.publish(room, m.seq(), StreamFrames.of(m), null);
                stored.complete(m.seq());
            }

            @Override
            public void failed(Exception e) {
                stored.completeExceptionally(e);
            }
        });
        try {
            long seq = stored.get(STORE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info(() -> "admin: " + by + " posted a notice in " + room + " (seq " + seq + "): " + t);
            return new Posted(Outcome.DONE, seq);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "admin: a notice of " + by + " in " + room + " was not stored", e);
            throw new Unavailable("the notice was not stored; post it again", e);
        }
    }

    /** A system notice to every connection on every node, live only (nothing is stored). */
    public void noticeToEveryone(String text, OperatorCheck.Caller by) {
        String t = checkNotice(text);
        String frame = MessageCodec.write(new ServerMessage.Notice(null, null, t, by.user(), clock.instant()));
        LOG.info(() -> "admin: " + by + " sends a notice to everyone: " + t);
        try {
            fanOut.request(new FanOut.NodeRequest(java.util.UUID.randomUUID().toString().replace("-", ""), node, NOTICE, null, frame));
        } catch (RuntimeException e) {
            throw new Unavailable("shown on this node only: the other nodes could not be told (" + e.getMessage() + ")", e);
        }
    }

    // ---- what this node does for a request (its own or another node's)

    void requested(FanOut.NodeRequest r) {
        switch (r.kind()) {
            case CONNECTIONS -> {
                List<String> items = new ArrayList<>();
                for (ConnectionInfo info : localConnections(r.subject())) {
                    items.add(info.json().toString());
                }
                fanOut.reply(r.origin(), new FanOut.NodeReply(r.id(), node, items, true));
            }
            case NOTICE -> {
                OutboundFrame frame = OutboundFrame.of(r.body()); // encoded once, by the node that was asked
                for (Connection c : connections.all()) {
                    c.send(frame);
                }
            }
            default -> LOG.fine(() -> "a node request of an unknown kind: " + r.kind());
        }
    }

    /** The user's connections on this node. */
    List<ConnectionInfo> localConnections(String user) {
        List<ConnectionInfo> out = new ArrayList<>();
        for (Connection c : List.copyOf(connections.ofUser(user))) {
            if (!c.isOpen()) {
                continue;
            }
            List<String> rooms = new ArrayList<>();
            List<String> topics = new ArrayList<>();
            for (String stream : followers.streamsOf(c)) {
                if (StreamNames.isTopic(stream)) {
                    add(topics, StreamNames.topicOf(stream));
                } else if (!StreamNames.isInbox(stream)) {
                    add(rooms, stream);
                }
            }
            rooms.sort(null);
            topics.sort(null);
            String address = c.attributes().get(HandshakeConfigurator.ADDRESS) instanceof String a ? a : null;
            out.add(new ConnectionInfo(node, c.id(), address, c.opened(), endpoint(c), rooms, topics));
        }
        return out;
    }

    private static void add(List<String> names, String name) {
        if (names.size() < ConnectionInfo.MAX_LISTED) {
            names.add(name);
        }
    }

    /** {@code chat} or {@code topics}, from the path the connection was opened on. */
    private static String endpoint(Connection c) {
        if (!(c.attributes().get(ConnectionRegistry.PATH) instanceof String path)) {
            return "unknown";
        }
        int slash = path.lastIndexOf('/');
        return path.substring(slash + 1);
    }

    private List<String> nodes() {
        try {
            return liveNodes.get();
        } catch (IllegalStateException e) {
            throw new Unavailable("the cluster's nodes could not be read", e);
        }
    }

    private static void checkUser(String user) {
        if (user == null || !USER.matcher(user).matches()) {
            throw new BadInput("a user name matches [A-Za-z0-9_.@-]{1,64}");
        }
    }

    private static void checkRoom(String room) {
        if (room == null || !ROOM.matcher(room).matches()) {
            throw new BadInput("room names match [A-Za-z0-9_.-]{1,64}");
        }
    }

    private static String checkNotice(String text) {
        if (text == null || text.isBlank()) {
            throw new BadInput("text must not be empty");
        }
        if (text.length() > MAX_NOTICE_CHARS) {
            throw new BadInput("text is over " + MAX_NOTICE_CHARS + " characters");
        }
        return text.strip();
    }
}
