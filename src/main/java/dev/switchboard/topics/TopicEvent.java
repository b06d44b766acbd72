package dev.switchboard.topics;

import jakarta.json.JsonValue;

/**
 * A CDI event that publishes {@code data} to {@code topic}: {@code events.fire(new TopicEvent("orders.42", data))}.
 * Fired inside a JTA transaction it goes out after the commit, never on rollback; outside one, at once.
 */
public record TopicEvent(String topic, JsonValue data) {

    public TopicEvent {
        if (!TopicNames.isTopic(topic)) {
            throw new IllegalArgumentException("invalid topic name: " + topic);
        }
        if (data == null) {
            data = JsonValue.NULL;
        }
    }
}
