package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredEvents;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ModerationAction;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.RoomRole;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.rooms.Standing;
import dev.switchboard.security.TokenService;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Kick, ban, unban, mute, roles and the room's title, by its owner and moderators. Each request changes the stored
 * standing first and is announced to every node, whose connections of that user follow it at once (a kick or ban
 * removes them from the room); then it is kept as a {@code moderation} event in the room's stream (who, what, when:
 * history and recovery show it) and acknowledged with that event's seq.
 * <p>
 * Who may act on whom: owners and moderators moderate; only the owner changes roles or acts on a moderator; nobody
 * acts on the owner or on themselves.
 */
@ApplicationScoped
public class Moderation {

    private static final Logger LOG = Logger.getLogger(Moderation.class.getName());
    static final int MAX_REASON_CHARS = 500;
    static final int MAX_TITLE_CHARS = 200;
    static final int MAX_TOPIC_CHARS = 1000;

    private HistoryStore history;
    private FanOut fanOut;
    private RoomStandings standings;
    private RoomService rooms;
    private UserDirectory users;
    private Memberships memberships;
    private ConnectionRegistry connections;
    private Clock clock;

    protected Moderation() {} // for CDI proxies

    @Inject
    public Moderation(HistoryStore history, FanOut fanOut, RoomStandings standings, RoomService rooms, UserDirectory users,
            Memberships memberships, ConnectionRegistry connections) {
        this.history = history;
        this.fanOut = fanOut;
        this.standings = standings;
        this.rooms = rooms;
        this.users = users;
        this.memberships = memberships;
        this.connections = connections;
        this.clock = Clock.systemUTC();
    }

    /** Listens for changes of standing (its own and other nodes'); outside a container the caller calls it once. */
    @PostConstruct
    public void listen() {
        fanOut.onRoomNotice(this::applied);
    }

    /** Created with the application, not with its first request: another node's kick must find this node listening. */
    void startup(@Observes @Initialized(ApplicationScoped.class) Object event) {
        // the observer's bean is created (and listening) by being asked
    }

    public void handle(Connection c, ClientMessage.Moderate m) {
        String room = m.room();
        String id = m.id();
        if (!Streams.isRoom(room)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "room names match [A-Za-z0-9_.-]{1,64}", id));
            return;
        }
        String problem = badFields(m);
        if (problem != null) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, problem, id));
            return;
        }
        try {
            Standing actor = rooms.standing(room, c);
            if (!actor.exists()) {
                c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no room " + room, id));
                return;
            }
            if (actor.room().closed()) {
                c.send(RoomService.roomClosed(room, id));
                return;
            }
            if (!actor.moderates()) {
                c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "only the owner and moderators may " + m.action().wire(), id));
                return;
            }
            if (m.action() == ModerationAction.TITLE) {
                standings.retitle(room, m.title(), m.topic());
            } else if (!changedStanding(c, m, actor)) {
                return;
            }
            if (m.user() != null) { // before the event is stored: the user's connections act on it at once, on every node
                fanOut.announce(new FanOut.RoomNotice(room, m.user(), m.action().wire(), c.user(), m.reason()));
            }
        } catch (RoomStandings.Unavailable e) {
            LOG.log(Level.WARNING, "a moderation request in " + room + " failed", e);
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not done: the rooms' database did not answer; try again", id));
            return;
        }
        HistoryStore.Draft event = StoredEvents.moderation(c.user(), m.user(), m.action(), m.reason(), m.seconds(),
                m.role(), m.title(), m.topic(), id, clock.instant());
        history.append(room, event, new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage stored, boolean duplicate) {
                c.send(new ServerMessage.Ack(id, room, stored.seq()));
                if (!duplicate) {
                    fanOut.publish(room, stored.seq(), StreamFrames.of(stored), null);
                }
            }

            @Override
            public void failed(Exception e) {
                // the standing changed already; a resend with the same id records it (and changes nothing twice)
                RoomService.notStored(c, "a moderation event in " + room, id, e);
            }
        });
    }

    /** The request's own fields, checked before anything is read: a problem, or null. */
    private static String badFields(ClientMessage.Moderate m) {
        if (m.user() != null && !TokenService.USER_NAME.matcher(m.user()).matches()) {
            return "not a user name: " + m.user();
        }
        if (m.reason() != null && m.reason().length() > MAX_REASON_CHARS) {
            return "reason is over " + MAX_REASON_CHARS + " characters";
        }
        if (m.title() != null && m.title().length() > MAX_TITLE_CHARS) {
            return "title is over " + MAX_TITLE_CHARS + " characters";
        }
        if (m.topic() != null && m.topic().length() > MAX_TOPIC_CHARS) {
            return "topic is over " + MAX_TOPIC_CHARS + " characters";
        }
        if (m.action() == ModerationAction.ROLE && !("moderator".equals(m.role()) || "member".equals(m.role()))) {
            return "role is moderator or member";
        }
        return null;
    }

    /** Applies a request on a user to the stored standing; false after answering why not. */
    private boolean changedStanding(Connection c, ClientMessage.Moderate m, Standing actor) {
        String room = m.room();
        String target = m.user();
        String id = m.id();
        if (target.equals(c.user())) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "moderators act on others, not on themselves", id));
            return false;
        }
        if (!users.exists(target)) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no such user: " + target, id));
            return false;
        }
        Standing standing = rooms.standing(room, target);
        if (standing.role() == RoomRole.OWNER) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "nobody acts on the owner of " + room, id));
            return false;
        }
        if ((standing.role() == RoomRole.MODERATOR || m.action() == ModerationAction.ROLE) && actor.role() != RoomRole.OWNER) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, m.action() == ModerationAction.ROLE
                    ? "only the owner changes roles" : "only the owner acts on a moderator", id));
            return false;
        }
        long now = clock.millis();
        switch (m.action()) {
            case KICK -> {
                if (!standings.removeMember(room, target)) {
                    c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, target + " is not a member of " + room, id));
                    return false;
                }
            }
            case BAN -> standings.ban(room, target, c.user(), m.reason(), now);
            case UNBAN -> {
                if (!standings.unban(room, target)) {
                    c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, target + " is not banned from " + room, id));
                    return false;
                }
            }
            case MUTE -> standings.mute(room, target, m.seconds() == 0 ? 0 : now + m.seconds() * 1000);
            case ROLE -> {
                if (!standings.setRole(room, target, RoomRole.of(m.role()))) {
                    c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, target + " is not a member of " + room, id));
                    return false;
                }
            }
            default -> throw new IllegalStateException("not an action on a user: " + m.action());
        }
        return true;
    }

    /** On every node: the user's connections here follow a change of their standing. */
    void applied(FanOut.RoomNotice notice) {
        if (notice.user() == null) {
            roomWide(notice);
            return;
        }
        List<Connection> local = List.copyOf(connections.ofUser(notice.user()));
        if (local.isEmpty()) {
            return;
        }
        boolean removed = notice.action().equals(ModerationAction.KICK.wire()) || notice.action().equals(ModerationAction.BAN.wire());
        if (removed) {
            String reason = notice.action().equals(ModerationAction.KICK.wire()) ? "kicked" : "banned";
            for (Connection c : local) {
                memberships.forgotten(c, notice.room());
                rooms.removed(c, notice.room(), reason, notice.by());
            }
            return;
        }
        try {
            Standing now = rooms.standing(notice.room(), notice.user());
            local.forEach(c -> rooms.restanded(c, notice.room(), now));
        } catch (RoomStandings.Unavailable e) {
            LOG.log(Level.WARNING, "could not reread " + notice.user() + "'s standing in " + notice.room(), e);
        }
    }

    /** On every node: an operator closed (everyone here in the room leaves it, told why) or reopened a room. */
    private void roomWide(FanOut.RoomNotice notice) {
        String room = notice.room();
        if (FanOut.RoomNotice.REOPEN.equals(notice.action())) {
            rooms.reopened(room);
            return;
        }
        if (!FanOut.RoomNotice.CLOSE.equals(notice.action())) {
            LOG.warning("an unknown room-wide action: " + notice.action());
            return;
        }
        rooms.closed(room);
        for (Connection c : List.copyOf(connections.all())) {
            if (JoinedRooms.standing(c, room) != null) {
                memberships.forgotten(c, room);
                rooms.removed(c, room, "closed", notice.by(), notice.reason());
            }
        }
    }
}
