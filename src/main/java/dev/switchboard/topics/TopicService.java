package dev.switchboard.topics;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.delivery.StreamFrames;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.protocol.ClientMessage;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import dev.switchboard.security.Role;
import dev.switchboard.security.TokenRefresh;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Topics: what {@code /ws/topics} delegates to, and publishing. A topic is a stream {@code #topic} in the history
 * store like a room (its seq assigned there, kept by {@link TopicRetention}, resumable after a restart); an event
 * goes out through the {@link FanOut} once it is stored, like a room message.
 */
@ApplicationScoped
public class TopicService {

    /** Root segment of the live-log topics; subscribing needs the operator role. */
    public static final String LOGS = TopicSubscriptions.LOGS;
    /** The sender recorded with topic events. */
    static final String PUBLISHER = "topics";
    private static final String SESSION = TopicService.class.getName();

    private Settings settings;
    private HistoryStore history;
    private FanOut fanOut;
    private TopicSubscriptions subscriptions;
    private Clock clock;
    private TokenRefresh refresh;

    protected TopicService() {} // for CDI proxies

    @Inject
    public TopicService(Settings settings, HistoryStore history, FanOut fanOut, TopicSubscriptions subscriptions,
            TokenRefresh refresh) {
        this(settings, history, fanOut, subscriptions, Clock.systemUTC());
        this.refresh = refresh;
    }

    public TopicService(Settings settings, HistoryStore history, FanOut fanOut, TopicSubscriptions subscriptions, Clock clock) {
        this.settings = settings;
        this.history = history;
        this.fanOut = fanOut;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    // --- connections -------------------------------------------------------------------------------

    /** A new {@code /ws/topics} connection: an operator (its role, or a name in {@code switchboard.operators}) may read {@code logs.*}. */
    public void opened(Connection c) {
        boolean operator = c.hasRole(Role.OPERATOR) || settings.operators().contains(c.user());
        c.attributes().put(SESSION, new TopicSubscriptions.Session(c, operator));
        c.send(new ServerMessage.Welcome(c.user(), settings.heartbeatSeconds(), null, null, c.expires()));
    }

    public void handle(Connection c, ClientMessage message) {
        TopicSubscriptions.Session s = (TopicSubscriptions.Session) c.attributes().get(SESSION);
        if (s == null) {
            return;
        }
        if (message instanceof ClientMessage.Subscribe m) {
            subscriptions.subscribe(s, m.topic(), m.since(), m.epoch(), m.last() == null ? 0 : m.last());
        } else if (message instanceof ClientMessage.Unsubscribe m) {
            subscriptions.unsubscribe(s, m.topic());
        } else if (message instanceof ClientMessage.Refresh m && refresh != null) {
            refresh.refresh(c, m);
        } else if (message instanceof ClientMessage.Ping) {
            c.send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Invalid m) {
            c.send(new ServerMessage.Error(m.code(), m.message(), m.id()));
        } else { // chat messages: TopicCodec never produces them
            c.send(new ServerMessage.Error(ErrorCode.UNKNOWN_TYPE, "not a topics message", message.id()));
        }
    }

    public void closed(Connection c) {
        TopicSubscriptions.Session s = (TopicSubscriptions.Session) c.attributes().remove(SESSION);
        if (s != null) {
            subscriptions.closed(s);
        }
    }

    // --- publishing --------------------------------------------------------------------------------

    /** Publishes a JSON value to a concrete topic; completes with its seq once it is stored. */
    public CompletionStage<Long> publish(String topic, JsonValue data) {
        requireTopic(topic);
        HistoryStore.Draft draft = new HistoryStore.Draft(PUBLISHER, null, data.toString(), null, clock.instant());
        return append(topic, draft, m -> OutboundFrame.of(new ServerMessage.Event(topic, m.seq(), data, m.ts())).appendedAt(m.ts()));
    }

    /**
     * Publishes bytes to a concrete topic as one binary frame: 2-byte big-endian header length, the UTF-8 JSON header
     * {@code {"topic","seq","ts","mime"}}, then the bytes. Completes with its seq once it is stored.
     */
    public CompletionStage<Long> publishBytes(String topic, String mime, byte[] bytes) {
        requireTopic(topic);
        HistoryStore.Draft draft = new HistoryStore.Draft(PUBLISHER, null, Base64.getEncoder().encodeToString(bytes), null,
                clock.instant(), mime == null ? "application/octet-stream" : mime);
        return append(topic, draft, StreamFrames::of);
    }

    private CompletionStage<Long> append(String topic, HistoryStore.Draft draft, Function<StoredMessage, OutboundFrame> frame) {
        String stream = StreamNames.topic(topic);
        CompletableFuture<Long> seq = new CompletableFuture<>();
        history.append(stream, draft, new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage m, boolean duplicate) {
                fanOut.publish(stream, m.seq(), frame.apply(m), null);
                seq.complete(m.seq());
            }

            @Override
            public void failed(Exception e) {
                seq.completeExceptionally(e);
            }
        });
        return seq;
    }

    /** True when some subscription (of any connection) matches the topic: publishers skip work nobody wants. */
    public boolean hasSubscribers(String topic) {
        return subscriptions.hasSubscribers(topic);
    }

    /** The topic's latest seq, 0 before its first event. */
    public long latest(String topic) {
        return history.latest(StreamNames.topic(topic));
    }

    /** The index, for tests and diagnostics. */
    public SubscriptionIndex<?> index() {
        return subscriptions.index();
    }

    private static void requireTopic(String topic) {
        if (!TopicNames.isTopic(topic)) {
            throw new IllegalArgumentException("invalid topic name: " + TopicSubscriptions.clip(String.valueOf(topic)));
        }
    }
}
