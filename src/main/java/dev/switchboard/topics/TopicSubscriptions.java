package dev.switchboard.topics;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.Follower;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import dev.switchboard.socket.Overflow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * Who follows which topics on this node. An exact topic is a stream like any other: it is joined through
 * {@link StreamFollowers#join} (race-free, resumable with {@code since} and {@code epoch}). A pattern is live only:
 * while any pattern is subscribed here, the node follows every topic stream ({@code #>}) and hands each event to the
 * matching patterns. Per connection, an event reaches it once however many of its subscriptions match (they share
 * one follower per topic, which drops a seq it has delivered), and never before that subscription's
 * {@code subscribed}. Events go out with the topic's overflow policy; replays go out whole.
 */
@ApplicationScoped
public class TopicSubscriptions {

    /** Root segment of the live-log topics; subscribing needs the operator role. */
    public static final String LOGS = "logs";
    private static final String ALL_TOPICS = StreamNames.topic(">");

    private StreamFollowers followers;
    private FanOut fanOut;
    private TopicPolicies policies;
    private final SubscriptionIndex<Subscription> index = new SubscriptionIndex<>();
    private int patterns; // pattern subscriptions on this node; guarded by this

    protected TopicSubscriptions() {} // for CDI proxies

    @Inject
    public TopicSubscriptions(StreamFollowers followers, FanOut fanOut, Settings settings) {
        this.followers = followers;
        this.fanOut = fanOut;
        this.policies = TopicPolicies.of(settings);
    }

    /** One connection's topic state; guarded by itself. */
    static final class Session {
        final Connection connection;
        final boolean operator;
        final Map<String, Subscription> subscriptions = new HashMap<>();
        /** Topics this connection gets through patterns only: their followers, live from the first event. */
        final Map<String, Follower> patternFollowers = new HashMap<>();

        Session(Connection connection, boolean operator) {
            this.connection = connection;
            this.operator = operator;
        }
    }

    /** One pattern of one connection, as stored in the index (identity equality). */
    private static final class Subscription {
        final Session session;
        final String pattern;
        final boolean exact;
        volatile boolean active = true;

        Subscription(Session session, String pattern) {
            this.session = session;
            this.pattern = pattern;
            this.exact = !TopicNames.hasWildcard(pattern);
        }
    }

    /**
     * Without {@code since}, an exact topic replays its last {@code last} kept events (0: live only), so a view such
     * as the server log opens with its recent lines. Refusals name the topic, so a client knows which one to drop.
     */
    void subscribe(Session s, String pattern, Long since, String epoch, int last) {
        Connection c = s.connection;
        if (!TopicNames.isPattern(pattern)) { // the topic echoed whole, as sent: the client matches it
            c.send(new ServerMessage.Error(ErrorCode.BAD_REQUEST, "invalid topic or pattern: " + clip(pattern)
                    + " (segments [A-Za-z0-9_-], '*' for one segment, '>' only last)", null, pattern));
            return;
        }
        if (LOGS.equals(TopicNames.root(pattern)) && !s.operator) {
            c.send(new ServerMessage.Error(ErrorCode.FORBIDDEN, "logs.* needs the operator role", null, pattern));
            return;
        }
        Subscription sub = new Subscription(s, pattern);
        Subscription earlier;
        synchronized (s) {
            earlier = s.subscriptions.put(pattern, sub);
        }
        if (earlier != null) {
            retire(earlier);
        }
        index.add(pattern, sub);
        if (sub.exact) {
            followers.join(StreamNames.topic(pattern), c, sinkFor(c, pattern), since, epoch, last,
                    replay -> new ServerMessage.Subscribed(pattern, replay.recovered(), replay.latest(), replay.epoch()));
            return;
        }
        patternsChanged(+1); // followed before "subscribed" goes out: an event published on seeing it must arrive
        synchronized (s) {
            // patterns are live only: a since on a pattern cannot be honoured, so it is answered with recovered:false
            c.send(new ServerMessage.Subscribed(pattern, since == null, null, null));
        }
    }

    void unsubscribe(Session s, String pattern) {
        Subscription sub;
        synchronized (s) {
            sub = s.subscriptions.remove(pattern);
            if (sub == null) {
                s.connection.send(new ServerMessage.Error(ErrorCode.NOT_JOINED, "not subscribed: " + clip(pattern), null));
                return;
            }
        }
        retire(sub);
        s.connection.send(new ServerMessage.Unsubscribed(pattern));
    }

    /** The connection closed: every subscription ends. */
    void closed(Session s) {
        Iterable<Subscription> subs;
        synchronized (s) {
            subs = java.util.List.copyOf(s.subscriptions.values());
            s.subscriptions.clear();
        }
        for (Subscription sub : subs) {
            retire(sub);
        }
    }

    private void retire(Subscription sub) {
        sub.active = false;
        index.remove(sub.pattern, sub);
        Session s = sub.session;
        if (sub.exact) {
            followers.unfollow(StreamNames.topic(sub.pattern), s.connection);
            return;
        }
        synchronized (s) {
            s.patternFollowers.keySet().removeIf(topic -> TopicNames.matches(sub.pattern, topic));
        }
        patternsChanged(-1);
    }

    /** The node follows every topic while it has pattern subscriptions, and none of them otherwise. */
    private synchronized void patternsChanged(int delta) {
        int before = patterns;
        patterns += delta;
        if (before == 0 && patterns > 0) {
            fanOut.follow(ALL_TOPICS, this::deliverToPatterns);
        } else if (before > 0 && patterns == 0) {
            fanOut.unfollow(ALL_TOPICS);
        }
    }

    /** An event of some topic arrived on this node: to every connection a pattern of which matches it. */
    private void deliverToPatterns(String stream, long seq, OutboundFrame frame, String skipUser) {
        String topic = StreamNames.topicOf(stream);
        boolean logs = LOGS.equals(TopicNames.root(topic));
        index.match(topic, sub -> {
            Session s = sub.session;
            if (sub.exact || !sub.active || logs && !s.operator) {
                return; // exact subscriptions are the stream's followers; a non-operator's '>' never sees logs
            }
            Follower f = followers.followerOf(stream, s.connection);
            if (f == null) {
                synchronized (s) {
                    f = s.patternFollowers.computeIfAbsent(topic,
                            t -> Follower.liveAfter(s.connection, sinkFor(s.connection, t), seq - 1));
                }
            }
            f.deliver(seq, frame);
        });
    }

    /** Live events of {@code topic} go out with the topic's overflow policy. */
    private Follower.Sink sinkFor(Connection c, String topic) {
        Overflow policy = policies.of(topic);
        return frame -> c.send(frame, policy, topic);
    }

    boolean hasSubscribers(String topic) {
        return index.hasMatch(topic);
    }

    SubscriptionIndex<?> index() {
        return index;
    }

    static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
