package dev.switchboard.chat;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredEvents;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.rooms.RoomRole;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.rooms.Standing;
import dev.switchboard.security.TokenService;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Invitations into a room: an owner or moderator invites a user by name; the invitation is stored (so {@code welcome}
 * lists it until answered) and kept as an {@code invited} item in the invitee's inbox, which reaches every device and
 * survives reconnects. The invitee accepts (becoming a member) or declines. Each user may send
 * {@link Settings#invitesPerMinute()} invitations a minute (per node).
 */
@ApplicationScoped
public class Invitations {

    private static final Logger LOG = Logger.getLogger(Invitations.class.getName());

    private HistoryStore history;
    private FanOut fanOut;
    private RoomStandings standings;
    private RoomService rooms;
    private UserDirectory users;
    private Settings settings;
    private Clock clock;
    /** Per inviter: the minute counted and the invitations sent in it. */
    private final Map<String, Minute> sent = new ConcurrentHashMap<>();

    private record Minute(long minute, int invitations) {}

    protected Invitations() {} // for CDI proxies

    @Inject
    public Invitations(HistoryStore history, FanOut fanOut, RoomStandings standings, RoomService rooms, UserDirectory users,
            Settings settings) {
        this.history = history;
        this.fanOut = fanOut;
        this.standings = standings;
        this.rooms = rooms;
        this.users = users;
        this.settings = settings;
        this.clock = Clock.systemUTC();
    }

    public void invite(Connection c, ClientMessage.Invite m) {
        String room = m.room();
        String invitee = m.user();
        String id = m.id();
        if (!Streams.isRoom(room) || !TokenService.USER_NAME.matcher(invitee).matches()) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "invite names a room and a user", id));
            return;
        }
        try {
            Standing inviter = rooms.standing(room, c);
            if (!inviter.exists()) {
                c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no room " + room, id));
                return;
            }
            if (inviter.room().closed()) {
                c.send(RoomService.roomClosed(room, id));
                return;
            }
            if (!inviter.moderates()) {
                c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "only the owner and moderators invite into " + room, id));
                return;
            }
            if (!users.exists(invitee)) {
                c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no such user: " + invitee, id));
                return;
            }
            Standing standing = standings.standing(room, invitee);
            if (standing.isMember()) {
                c.send(new ServerMessage.Error(ErrorCode.CONFLICT, invitee + " is a member of " + room + " already", id));
                return;
            }
            if (standing.banned()) {
                c.send(new ServerMessage.Error(ErrorCode.CONFLICT, invitee + " is banned from " + room + ": unban first", id));
                return;
            }
            if (!counted(c.user())) {
                c.send(new ServerMessage.Error(ErrorCode.RATE_LIMITED,
                        "at most " + settings.invitesPerMinute() + " invitations a minute", id));
                return;
            }
            if (!standings.invite(room, invitee, c.user(), clock.millis())) {
                c.send(new ServerMessage.Error(ErrorCode.CONFLICT, invitee + " is invited to " + room + " already", id));
                return;
            }
        } catch (RoomStandings.Unavailable e) {
            LOG.log(Level.WARNING, "an invitation into " + room + " failed", e);
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not invited: the rooms' database did not answer; try again", id));
            return;
        }
        String inbox = Streams.inbox(invitee);
        history.append(inbox, StoredEvents.invited(c.user(), invitee, room, clock.instant()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage stored, boolean duplicate) {
                c.send(new ServerMessage.Ack(id, room, 0)); // nothing was stored in the room itself
                fanOut.publish(inbox, stored.seq(), StreamFrames.of(stored), null);
            }

            @Override
            public void failed(Exception e) {
                standings.endInvite(room, invitee); // not in the inbox: not an invitation either
                RoomService.notStored(c, "an invitation for " + invitee, id, e);
            }
        });
    }

    /** Accept (become a member, counted as having read what is there) or decline. */
    public void answer(Connection c, ClientMessage.Answer m) {
        String room = m.room();
        if (!Streams.isRoom(room)) {
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "room names match [A-Za-z0-9_.-]{1,64}", m.id()));
            return;
        }
        try {
            if (!standings.endInvite(room, c.user())) {
                c.send(new ServerMessage.Error(ErrorCode.NOT_FOUND, "no invitation to " + room, m.id()));
                return;
            }
            if (m.accept()) {
                standings.addMember(room, c.user(), RoomRole.MEMBER, history.latest(room), clock.millis());
            }
        } catch (RoomStandings.Unavailable e) {
            LOG.log(Level.WARNING, "an answer to an invitation into " + room + " failed", e);
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "not answered: the rooms' database did not answer; try again", m.id()));
            return;
        }
        c.send(new ServerMessage.Ack(m.id(), room, 0));
    }

    /** Counts one invitation by {@code user}; false when this minute's are used up. */
    private boolean counted(String user) {
        long now = clock.millis() / 60_000;
        AtomicBoolean allowed = new AtomicBoolean();
        sent.compute(user, (u, m) -> {
            Minute current = m == null || m.minute() != now ? new Minute(now, 0) : m;
            if (current.invitations() >= settings.invitesPerMinute()) {
                return current;
            }
            allowed.set(true);
            return new Minute(now, current.invitations() + 1);
        });
        return allowed.get();
    }
}
