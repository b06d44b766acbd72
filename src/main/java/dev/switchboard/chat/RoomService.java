package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.Admission;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.delivery.StoredEvents;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.RoomRole;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.rooms.Standing;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import dev.switchboard.security.Role;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rooms and inboxes as streams: join (with replay), leave, send, typing, and cleanup when a connection
 * goes. Room state lives here and in its collaborators, never in endpoint instances.
 */
@ApplicationScoped
public class RoomService {

    private static final Logger LOG = Logger.getLogger(RoomService.class.getName());

    /** A client id is stored with the message (for idempotent resends): its column holds this many. */
    static final int MAX_ID_CHARS = 128;

    private HistoryStore history;
    private StreamFollowers followers;
    private FanOut fanOut;
    private Presence presence;
    private Settings settings;
    private Clock clock;
    private Admission admission;
    private RoomStandings standings;
    /**
     * Rooms an operator closed while this node ran (heard from the announcement): a send is refused without a query,
     * also from a connection whose join raced with the close. A join reads the closed flag from the database.
     */
    private final Set<String> closedRooms = ConcurrentHashMap.newKeySet();

    protected RoomService() {} // for CDI proxies

    @Inject
    public RoomService(HistoryStore history, StreamFollowers followers, FanOut fanOut, Presence presence,
            Settings settings, RoomStandings standings) {
        this(history, followers, fanOut, presence, settings, standings, Clock.systemUTC());
    }

    public RoomService(HistoryStore history, StreamFollowers followers, FanOut fanOut, Presence presence,
            Settings settings, RoomStandings standings, Clock clock) {
        this.history = history;
        this.followers = followers;
        this.fanOut = fanOut;
        this.presence = presence;
        this.settings = settings;
        this.standings = standings;
        this.clock = clock;
        this.admission = new Admission(history, settings.waitingPerConnection(), settings.historyBacklog());
    }

    /** Whether a message of {@code c} may go to the store now; else {@code c} was told {@code overloaded}. */
    boolean admit(Connection c, String id) {
        if (admission.admit(c)) {
            return true;
        }
        c.send(new ServerMessage.Error(ErrorCode.OVERLOADED, "the server is busy: send it again in a moment", id));
        return false;
    }

    /** The store has answered for a message {@link #admit admitted} for {@code c}. */
    void answered(Connection c) {
        admission.done(c);
    }

    /** A message of {@code c} could not be stored: {@code overloaded} when the store was only behind, else logged. */
    static void notStored(Connection c, String what, String id, Exception e) {
        if (e instanceof HistoryStore.Busy) {
            c.send(new ServerMessage.Error(ErrorCode.OVERLOADED, "the server is busy: send it again in a moment", id));
            return;
        }
        LOG.log(Level.WARNING, "could not store " + what, e);
        c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not stored; send it again", id));
    }

    /**
     * Joins a room or {@code @me}: the one race-free join of every stream ({@link StreamFollowers#join}), answered
     * with {@code joined} (latest seq, epoch, members, recovered, and for a room where the user stands) and the
     * replay. A room's first join creates it ({@code isPrivate}: only members may join it), the joiner its owner.
     * Returns true when {@code room} is a room that was joined (not an inbox).
     */
    public boolean join(Connection c, String room, Long since, String epoch, Integer last, boolean isPrivate) {
        String stream = streamOf(c, room, null);
        if (stream == null) {
            return false;
        }
        boolean isRoom = !StreamNames.isInbox(stream);
        Standing standing = null;
        ServerMessage.Standing shown = null;
        if (isRoom) {
            try {
                standing = admitted(c, room, isPrivate);
                if (standing == null) {
                    return false;
                }
                shown = new ServerMessage.Standing(standing.room().isPrivate(), standing.role() == null ? null : standing.role().wire(),
                        standing.read(), unread(room, c.user(), standing.read()), standing.room().title(), standing.room().topic(),
                        standings.staff(room));
            } catch (RoomStandings.Unavailable e) {
                LOG.log(Level.WARNING, "could not join " + room, e);
                c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not joined: the rooms' database did not answer; try again", null));
                return false;
            }
            JoinedRooms.remember(c, room, standing);
        }
        boolean rejoin = followers.follows(stream, c);
        ServerMessage.Standing answerStanding = shown;
        followers.join(stream, c, c::send, since, epoch, last != null ? last : settings.historyOnJoin(), replay -> {
            if (isRoom && !rejoin && presence.arrive(room, c.user())) {
                fanOut.publish(stream, 0, OutboundFrame.of(new ServerMessage.Presence(room, c.user(), "join")), null);
            }
            List<String> members = isRoom ? presence.members(room) : List.of(c.user());
            return new ServerMessage.Joined(room, replay.latest(), replay.epoch(), members, replay.recovered(), answerStanding);
        });
        return isRoom;
    }

    /** As {@link #join(Connection, String, Long, String, Integer, boolean)} for a public room. */
    public boolean join(Connection c, String room, Long since, String epoch, Integer last) {
        return join(c, room, since, epoch, last, false);
    }

    /**
     * Where the user stands in the room they ask to join, the room created when it is new; null after answering
     * {@code forbidden} (banned, or a private room they are not a member of). A public room makes them a member, counted
     * as having read what is there.
     */
    private Standing admitted(Connection c, String room, boolean isPrivate) {
        String user = c.user();
        Standing st = standing(room, c);
        if (!st.exists()) {
            String owner = settings.sharedRooms().contains(room) ? null : user;
            standings.create(room, owner, isPrivate && owner != null, clock.millis());
            st = standing(room, c);
        }
        if (st.room().closed()) {
            c.send(roomClosed(room, null));
            return null;
        }
        if (st.banned()) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "you are banned from " + room, null));
            return null;
        }
        if (st.room().isPrivate() && !st.isMember()) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, room + " is private: a member must invite you", null));
            return null;
        }
        if (!st.isMember()) {
            long latest = history.latest(room);
            standings.addMember(room, user, RoomRole.MEMBER, latest, clock.millis());
            st = new Standing(st.room(), RoomRole.MEMBER, false, st.mutedUntil(), latest);
        }
        return st;
    }

    /** Where {@code user} stands in {@code room}; operators named in the settings act as its owner. */
    public Standing standing(String room, String user) {
        Standing st = standings.standing(room, user);
        return settings.operators().contains(user) && st.exists() ? st.withRole(RoomRole.OWNER) : st;
    }

    /**
     * Where the connection's user stands in {@code room}, with its server roles: an operator acts as every room's
     * owner, a moderator as a moderator of every room it is a member of.
     */
    public Standing standing(String room, Connection c) {
        Standing st = standing(room, c.user());
        if (!st.exists()) {
            return st;
        }
        if (c.hasRole(Role.OPERATOR)) {
            return st.withRole(RoomRole.OWNER);
        }
        return c.hasRole(Role.MODERATOR) && st.isMember() && !st.moderates() ? st.withRole(RoomRole.MODERATOR) : st;
    }

    /** Messages and attachments from others after {@code read} that the room still keeps. */
    private long unread(String room, String user, long read) {
        if (read >= history.latest(room)) {
            return 0;
        }
        return history.since(room, read, null).messages().stream()
                .filter(m -> m.seq() > read && StoredEvents.isSaid(m) && !user.equals(m.from())).count();
    }

    /**
     * A moderator removed the user from the room (kick or ban): this connection stops following it at once and is
     * told why, with a presence {@code leave} when it was the user's last here.
     */
    public void removed(Connection c, String room, String reason, String by) {
        removed(c, room, reason, by, null);
    }

    /** As {@link #removed(Connection, String, String, String)}, with the free text {@code message} they gave. */
    public void removed(Connection c, String room, String reason, String by, String message) {
        JoinedRooms.forget(c, room);
        if (followers.unfollow(room, c)) {
            c.send(new ServerMessage.Left(room, reason, by, message));
            departed(c, room);
        }
    }

    /** An operator closed {@code room} (this node heard it): sends to it are refused from now on. */
    void closed(String room) {
        closedRooms.add(room);
    }

    /** An operator reopened {@code room}. */
    void reopened(String room) {
        closedRooms.remove(room);
    }

    /** The refusal of a request in a room an operator closed. */
    static ServerMessage.Error roomClosed(String room, String id) {
        return new ServerMessage.Error(ErrorCode.ROOM_CLOSED, room + " is closed", id);
    }

    /** Whether the stored room is closed (asked only on a refusal's path); false when the database does not answer. */
    private boolean closedInStore(String room) {
        try {
            Standing st = standings.standing(room, "-");
            return st.exists() && st.room().closed();
        } catch (RoomStandings.Unavailable e) {
            return false;
        }
    }

    /** The connection's standing in a room changed (mute, role): what it holds is read again. */
    public void restanded(Connection c, String room, Standing standing) {
        if (JoinedRooms.standing(c, room) != null) {
            JoinedRooms.remember(c, room, standing);
        }
    }

    /** True (after answering {@code forbidden}) when the user is muted in {@code room}. */
    boolean mayNotSpeak(Connection c, String room, String id) {
        Standing st = JoinedRooms.standing(c, room);
        if (st != null && st.mutedAt(clock.millis())) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "you are muted in " + room + " until "
                    + MessageCodec.timestamp(java.time.Instant.ofEpochMilli(st.mutedUntil())), id));
            return true;
        }
        return false;
    }

    /** The role the connection joined with (kept current), or null. */
    RoomRole roleOf(Connection c, String room) {
        Standing st = JoinedRooms.standing(c, room);
        return st == null ? null : st.role();
    }

    /** Leaves a room or the inbox; true when a joined room (not an inbox) was left. */
    public boolean leave(Connection c, String room) {
        String stream = streamOf(c, room, null);
        if (stream == null) {
            return false;
        }
        if (!followers.unfollow(stream, c)) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "not joined: " + room, null));
            return false;
        }
        JoinedRooms.forget(c, room);
        c.send(new ServerMessage.Left(room));
        departed(c, stream);
        return !StreamNames.isInbox(stream);
    }

    public void send(Connection c, String room, String text, String id) {
        String stream = streamOf(c, room, id);
        if (stream == null || !checkText(c, text, id)) {
            return;
        }
        if (closedRooms.contains(stream)) {
            if (closedInStore(stream)) {
                c.send(roomClosed(room, id));
                return;
            }
            closedRooms.remove(stream); // reopened while this node did not hear it
        }
        if (!followers.follows(stream, c)) {
            c.send(!StreamNames.isInbox(stream) && closedInStore(stream) ? roomClosed(room, id)
                    : new ServerMessage.Error(ErrorCode.NOT_JOINED, "join " + room + " before sending to it", id));
            return;
        }
        if (StreamNames.isInbox(stream)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "use a direct message to write to an inbox", id));
            return;
        }
        if (mayNotSpeak(c, room, id) || !admit(c, id)) {
            return;
        }
        history.append(stream, new HistoryStore.Draft(c.user(), null, text, id, clock.instant()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                answered(c);
                c.send(new ServerMessage.Ack(id, room, m.seq()));
                if (!duplicate) {
                    fanOut.publish(stream, m.seq(), StreamFrames.of(m), null);
                }
            }

            @Override
            public void failed(Exception e) {
                answered(c);
                notStored(c, "a message in " + stream, id, e);
            }
        });
    }

    public void typing(Connection c, String room) {
        String stream = streamOf(c, room, null);
        if (stream == null) {
            return;
        }
        if (!followers.follows(stream, c)) {
            c.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "not joined: " + room, null));
            return;
        }
        Standing st = JoinedRooms.standing(c, room);
        if (st != null && st.mutedAt(clock.millis())) {
            return; // a muted user's typing is not shown; their send gets the error
        }
        fanOut.publish(stream, 0, OutboundFrame.of(new ServerMessage.Typing(room, c.user())), c.user());
    }

    /** A connection went away: it leaves everything it followed, with presence events where due. */
    public void disconnected(Connection c) {
        for (String stream : followers.forget(c)) {
            departed(c, stream);
        }
    }

    private void departed(Connection c, String stream) {
        if (!StreamNames.isInbox(stream) && presence.depart(stream, c.user())) {
            fanOut.publish(stream, 0, OutboundFrame.of(new ServerMessage.Presence(stream, c.user(), "leave")), null);
        }
    }

    /** Checks a message's text (and client id) against the limits; answers the client when it fails. */
    boolean checkText(Connection c, String text, String id) {
        if (id != null && id.length() > MAX_ID_CHARS) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "id is over " + MAX_ID_CHARS + " characters", null));
            return false;
        }
        if (text.isEmpty()) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "text must not be empty", id));
            return false;
        }
        if (text.length() * 3L > settings.maxTextBytes() && text.getBytes(StandardCharsets.UTF_8).length > settings.maxTextBytes()) {
            c.send(new ServerMessage.Error(ErrorCode.TOO_LARGE, "text is over " + settings.maxTextBytes() + " bytes", id));
            return false;
        }
        return true;
    }

    /** The stream a room name denotes for this caller, or null after answering with an error. */
    String streamOf(Connection c, String room, String id) {
        if (Streams.ME.equals(room)) {
            return Streams.inbox(c.user());
        }
        if (room.startsWith("@")) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "only your own inbox (@me) can be joined", id));
            return null;
        }
        if (!Streams.isRoom(room)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "room names match [A-Za-z0-9_.-]{1,64}", id));
            return null;
        }
        return room;
    }
}
