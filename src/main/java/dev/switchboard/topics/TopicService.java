package dev.switchboard.topics;

import dev.switchboard.config.Settings;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.BinaryFrames;
import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import dev.switchboard.socket.Overflow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Topics on this node: subscriptions (indexed by pattern), per-topic seq and bounded retention,
 * publishing, and race-free {@code since} recovery for exact subscriptions.
 *
 * <p>Ordering: a publish assigns the seq and delivers to the matching subscribers while holding the
 * topic's lock, so every subscriber sees a topic's events in seq order; delivery only queues (never
 * blocks), whatever the subscriber's speed. Per connection, a topic's events are delivered once even
 * when several of its patterns match, and never before that subscription's {@code subscribed}.
 * Locks are taken topic → session, never the other way round.
 */
@ApplicationScoped
public class TopicService {

    private static final JsonProvider JSON = JsonProvider.provider(); // the lookup is slow: once

    /** Root segment of the live-log topics; subscribing needs the operator role. */
    public static final String LOGS = "logs";
    private static final String SESSION = TopicService.class.getName();

    private Settings settings;
    private TopicPolicies policies;
    private Clock clock;
    private int retain;
    private final SubscriptionIndex<Subscription> index = new SubscriptionIndex<>();
    private final Map<String, TopicLog> topics = new ConcurrentHashMap<>();

    protected TopicService() {} // for CDI proxies

    @Inject
    public TopicService(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    public TopicService(Settings settings, Clock clock) {
        this.settings = settings;
        this.policies = TopicPolicies.of(settings);
        this.clock = clock;
        this.retain = settings.topicsRetained();
    }

    // --- connections -------------------------------------------------------------------------------

    /** A new {@code /ws/topics} connection; {@code containerOperator} when the container gave it the operator role. */
    public void opened(Connection c, boolean containerOperator) {
        boolean operator = containerOperator || settings.operators().contains(c.user());
        c.attributes().put(SESSION, new Session(c, operator));
        c.send(new ServerMessage.Welcome(c.user(), settings.heartbeatSeconds()));
    }

    public void handle(Connection c, ClientMessage message) {
        Session s = (Session) c.attributes().get(SESSION);
        if (s == null) {
            return;
        }
        if (message instanceof ClientMessage.Subscribe m) {
            subscribe(s, m.topic(), m.since());
        } else if (message instanceof ClientMessage.Unsubscribe m) {
            unsubscribe(s, m.topic());
        } else if (message instanceof ClientMessage.Ping) {
            c.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Invalid m) {
            c.send(new ServerMessage.Error(m.code(), m.message(), m.id()));
        } else { // chat messages: TopicCodec never produces them
            c.send(new ServerMessage.Error(ErrorCode.UNKNOWN_TYPE, "not a topics message", message.id()));
        }
    }

    public void closed(Connection c) {
        Session s = (Session) c.attributes().remove(SESSION);
        if (s != null) {
            synchronized (s) {
                for (Subscription sub : s.subscriptions.values()) {
                    sub.active = false;
                    index.remove(sub.pattern, sub);
                }
                s.subscriptions.clear();
            }
        }
    }

    // --- subscribing -------------------------------------------------------------------------------

    private void subscribe(Session s, String pattern, Long since) {
        if (!TopicNames.isPattern(pattern)) {
            s.connection.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "invalid topic or pattern: "
                    + clip(pattern) + " (segments [A-Za-z0-9_-], '*' for one segment, '>' only last)", null));
            return;
        }
        if (LOGS.equals(TopicNames.root(pattern)) && !s.operator) {
            s.connection.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "logs.* needs the operator role", null));
            return;
        }
        boolean exact = !TopicNames.hasWildcard(pattern);
        if (!exact || since == null) {
            synchronized (s) {
                register(s, pattern);
                // patterns are live only: a since on a pattern cannot be honoured, so it is answered with recovered:false
                s.connection.send(new ServerMessage.Subscribed(pattern, since == null, null, null));
            }
            return;
        }
        synchronized (s) { // 1. follow, holding live events of this topic
            s.held.put(pattern, new ArrayList<>());
            register(s, pattern);
        }
        TopicLog existing = topics.get(pattern); // a subscription alone does not create a topic
        Replay replay = existing != null ? existing.since(since) : new Replay(List.of(), 0, since == 0); // 2. read what was kept
        synchronized (s) { // 3. subscribed, the replay, then the held events not already replayed
            List<Retained> held = s.held.remove(pattern);
            Subscription sub = s.subscriptions.get(pattern);
            if (held == null || sub == null || !sub.active) {
                return; // unsubscribed or closed meanwhile
            }
            s.connection.send(new ServerMessage.Subscribed(pattern, replay.recovered, null, null));
            Overflow policy = existing != null ? existing.policy : policies.of(pattern);
            for (Retained r : replay.events) {
                s.connection.send(r.frame, policy, pattern);
            }
            s.last.put(pattern, replay.latest);
            for (Retained r : held) {
                deliverLocked(s, pattern, r, policy);
            }
        }
    }

    /** Under the session's lock. */
    private void register(Session s, String pattern) {
        Subscription sub = s.subscriptions.computeIfAbsent(pattern, p -> new Subscription(s, p));
        index.add(pattern, sub);
    }

    private void unsubscribe(Session s, String pattern) {
        synchronized (s) {
            Subscription sub = s.subscriptions.remove(pattern);
            if (sub == null) {
                s.connection.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "not subscribed: " + clip(pattern), null));
                return;
            }
            sub.active = false;
            index.remove(pattern, sub);
            s.held.remove(pattern);
            s.connection.send(new ServerMessage.Unsubscribed(pattern));
        }
    }

    // --- publishing --------------------------------------------------------------------------------

    /** Publishes a JSON value to a concrete topic; returns its seq. */
    public long publish(String topic, JsonValue data) {
        requireTopic(topic);
        return log(topic).append(seq -> OutboundFrame.of(new ServerMessage.Event(topic, seq, data, now())));
    }

    /**
     * Publishes bytes to a concrete topic as one binary frame: 2-byte big-endian header length, the UTF-8
     * JSON header {@code {"topic","seq","ts","mime"}}, then the bytes. Returns its seq.
     */
    public long publishBytes(String topic, String mime, byte[] bytes) {
        requireTopic(topic);
        byte[] copy = bytes.clone();
        return log(topic).append(seq -> {
            return OutboundFrame.binary(BinaryFrames.encode(JSON.createObjectBuilder().add("topic", topic).add("seq", seq)
                    .add("ts", MessageCodec.timestamp(now())).add("mime", mime == null ? "application/octet-stream" : mime)
                    .build(), copy));
        });
    }

    /** True when some subscription (of any connection) matches the topic: publishers skip work nobody wants. */
    public boolean hasSubscribers(String topic) {
        return index.hasMatch(topic);
    }

    /** The topic's latest seq, 0 before its first event. */
    public long latest(String topic) {
        TopicLog log = topics.get(topic);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.seq;
        }
    }

    /** The index, for tests and diagnostics. */
    public SubscriptionIndex<?> index() {
        return index;
    }

    private void requireTopic(String topic) {
        if (!TopicNames.isTopic(topic)) {
            throw new IllegalArgumentException("invalid topic name: " + clip(String.valueOf(topic)));
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private TopicLog log(String topic) {
        return topics.computeIfAbsent(topic, t -> new TopicLog(t, policies.of(t)));
    }

    /** Called under the topic's lock, in seq order. */
    private void deliver(Subscription sub, String topic, Retained event, Overflow policy) {
        Session s = sub.session;
        if (LOGS.equals(TopicNames.root(topic)) && !s.operator) {
            return; // a non-operator's '>' or '*.x' never sees logs
        }
        synchronized (s) {
            if (sub.active) {
                deliverLocked(s, topic, event, policy);
            }
        }
    }

    /** Under the session's lock: held while the topic recovers, else sent once per seq. */
    private static void deliverLocked(Session s, String topic, Retained event, Overflow policy) {
        List<Retained> held = s.held.get(topic);
        if (held != null) {
            held.add(event);
            return;
        }
        Long last = s.last.get(topic);
        if (last != null && event.seq <= last) {
            return; // another pattern of this connection delivered it already
        }
        s.last.put(topic, event.seq);
        s.connection.send(event.frame, policy, topic);
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    // --- state -------------------------------------------------------------------------------------

    /** One connection's topic state; guarded by itself. */
    private static final class Session {
        final Connection connection;
        final boolean operator;
        final Map<String, Subscription> subscriptions = new HashMap<>();
        final Map<String, Long> last = new HashMap<>(); // topic → last seq delivered
        final Map<String, List<Retained>> held = new HashMap<>(); // exact topic → live events held during its replay

        Session(Connection connection, boolean operator) {
            this.connection = connection;
            this.operator = operator;
        }
    }

    /** One pattern of one connection, as stored in the index (identity equality). */
    private static final class Subscription {
        final Session session;
        final String pattern;
        volatile boolean active = true;

        Subscription(Session session, String pattern) {
            this.session = session;
            this.pattern = pattern;
        }
    }

    private record Retained(long seq, OutboundFrame frame) {}

    private record Replay(List<Retained> events, long latest, boolean recovered) {}

    private interface FrameFactory {
        OutboundFrame build(long seq);
    }

    /** A topic's seq and retained events (the last {@code retain}, at most 16 MiB); guarded by itself. */
    private final class TopicLog {
        private static final long MAX_RETAINED_BYTES = 16L * 1024 * 1024;
        final String topic;
        final Overflow policy;
        final ArrayDeque<Retained> retained = new ArrayDeque<>();
        long retainedBytes;
        long seq;

        TopicLog(String topic, Overflow policy) {
            this.topic = topic;
            this.policy = policy;
        }

        synchronized long append(FrameFactory factory) {
            long next = seq + 1;
            Retained event = new Retained(next, factory.build(next));
            seq = next;
            retained.addLast(event);
            retainedBytes += event.frame.bytes();
            while (retained.size() > retain || retainedBytes > MAX_RETAINED_BYTES && retained.size() > 1) {
                retainedBytes -= retained.removeFirst().frame.bytes();
            }
            if (retain == 0) {
                retained.clear();
                retainedBytes = 0;
            }
            index.match(topic, sub -> deliver(sub, topic, event, policy));
            return next;
        }

        synchronized Replay since(long since) {
            List<Retained> out = new ArrayList<>();
            Iterator<Retained> it = retained.descendingIterator();
            while (it.hasNext()) {
                Retained r = it.next();
                if (r.seq <= since) {
                    break;
                }
                out.add(r);
            }
            java.util.Collections.reverse(out);
            long oldest = retained.isEmpty() ? seq + 1 : retained.peekFirst().seq;
            boolean recovered = since <= seq && since >= oldest - 1; // a cursor from the future is not recovered either
            return new Replay(out, seq, recovered);
        }
    }
}
