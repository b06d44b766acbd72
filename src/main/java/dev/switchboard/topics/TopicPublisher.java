package dev.switchboard.topics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;

/**
 * Publishing from server code in one line: {@code @Inject TopicPublisher topics; topics.publish("orders.42", data);}.
 * Transaction-bound like {@link TopicEvent} (which it fires): inside a JTA transaction the event goes
 * out only after the commit and never on rollback; outside one it goes out at once.
 */
@ApplicationScoped
public class TopicPublisher {

    private TopicService topics;
    private Event<TopicEvent> events;

    protected TopicPublisher() {} // for CDI proxies

    @Inject
    public TopicPublisher(TopicService topics, Event<TopicEvent> events) {
        this.topics = topics;
        this.events = events;
    }

    /** Publishes {@code data} (any JSON value) to a concrete topic; throws IllegalArgumentException for an invalid name. */
    public void publish(String topic, JsonValue data) {
        events.fire(new TopicEvent(topic, data));
    }

    /** Called at once outside a transaction, after a successful commit inside one. */
    void deliver(@Observes(during = TransactionPhase.AFTER_SUCCESS) TopicEvent event) {
        topics.publish(event.topic(), event.data());
    }
}
