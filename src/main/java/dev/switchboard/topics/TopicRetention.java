package dev.switchboard.topics;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.Retention;
import dev.switchboard.delivery.StreamNames;
import dev.switchboard.socket.Overflow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How much of each stream the store keeps: rooms and inboxes {@code switchboard.history.retain} messages; topics
 * {@code switchboard.topics.retain} events and at most 16 MiB, latest-value topics at most {@value #LATEST_VALUE_KEPT}
 * (a slow reader of a ticker wants the newest value, not a backlog; a client that keeps up still resumes exactly).
 */
@ApplicationScoped
public class TopicRetention implements Retention {

    static final long TOPIC_BYTES = 16L * 1024 * 1024;
    static final int LATEST_VALUE_KEPT = 100;

    private Limits streams;
    private Limits topics;
    private Limits latestValue;
    private TopicPolicies policies;

    protected TopicRetention() {} // for CDI proxies

    @Inject
    public TopicRetention(Settings settings) {
        this.streams = new Limits(settings.historyRetained(), Long.MAX_VALUE);
        this.topics = new Limits(settings.topicsRetained(), TOPIC_BYTES);
        this.latestValue = new Limits(Math.min(settings.topicsRetained(), LATEST_VALUE_KEPT), TOPIC_BYTES);
        this.policies = TopicPolicies.of(settings);
    }

    @Override
    public Limits of(String stream) {
        if (!StreamNames.isTopic(stream)) {
            return streams;
        }
        return policies.of(StreamNames.topicOf(stream)) == Overflow.LATEST_VALUE ? latestValue : topics;
    }
}
