package dev.switchboard.topics;

import dev.switchboard.config.Settings;
import dev.switchboard.socket.Overflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The delivery policy of each topic, from {@code switchboard.topics.policies} ({@code pattern=policy},
 * first match wins; policies {@code lossless}, {@code drop-oldest}, {@code latest-value}). Topics that
 * match none are lossless. Looked up once per topic, when the topic is first used.
 */
public final class TopicPolicies {

    private record Rule(String pattern, Overflow policy) {}

    private final List<Rule> rules = new ArrayList<>();

    public TopicPolicies(List<String> entries) {
        for (String entry : entries) {
            int eq = entry.lastIndexOf('=');
            String pattern = eq < 0 ? "" : entry.substring(0, eq).trim();
            if (!TopicNames.isPattern(pattern)) {
                throw new IllegalArgumentException(Settings.TOPICS_POLICIES + ": bad entry " + entry);
            }
            rules.add(new Rule(pattern, parse(entry.substring(eq + 1).trim())));
        }
    }

    public static TopicPolicies of(Settings settings) {
        return new TopicPolicies(settings.topicPolicies());
    }

    public Overflow of(String topic) {
        for (Rule r : rules) {
            if (TopicNames.matches(r.pattern, topic)) {
                return r.policy;
            }
        }
        return Overflow.CLOSE;
    }

    private static Overflow parse(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "lossless":
                return Overflow.CLOSE;
            case "drop-oldest":
                return Overflow.DROP_OLDEST;
            case "latest-value":
                return Overflow.LATEST_VALUE;
            default:
                throw new IllegalArgumentException(Settings.TOPICS_POLICIES + ": unknown policy " + name);
        }
    }
}
