package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.security.TokenService;
import dev.switchboard.topics.TopicPublisher;
import dev.switchboard.topics.TopicService;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.transaction.UserTransaction;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs inside WildFly: {@link TopicPublisher} inside a JTA transaction publishes only after the commit,
 * never on rollback; a subscriber connected over a real socket is the witness.
 */
@ExtendWith(ArquillianExtension.class)
class TopicTransactionIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war().addClass(TopicTransactionIT.class).addClass(Deployments.class);
    }

    @Inject
    TopicPublisher publisher;

    @Inject
    TopicService topics;

    @Inject
    TokenService tokens;

    @Inject
    UserTransaction tx;

    private Session subscribe(String topic, BlockingQueue<String> frames) throws Exception {
        URI uri = URI.create(Deployments.ws("/ws/topics") + "?token=" + tokens.issue("tx-" + System.nanoTime()).value());
        Session session = ContainerProvider.getWebSocketContainer().connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig config) {
                s.addMessageHandler(String.class, frames::add);
            }
        }, ClientEndpointConfig.Builder.create().build(), uri);
        assertTrue(frames.poll(10, TimeUnit.SECONDS).contains("\"welcome\""));
        session.getAsyncRemote().sendText("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
        assertTrue(frames.poll(10, TimeUnit.SECONDS).contains("\"subscribed\""));
        return session;
    }

    @Test
    void aCommittedPublishGoesOutAfterTheCommit() throws Exception {
        String topic = "tx.commit" + System.nanoTime();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        Session session = subscribe(topic, frames);
        try {
            tx.begin();
            publisher.publish(topic, Json.createValue("committed"));
            assertEquals(0, topics.latest(topic), "nothing is published before the commit");
            assertNull(frames.poll(), "and nothing delivered");
            tx.commit();
            String event = frames.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null && event.contains("\"event\"") && event.contains("\"committed\""), event);
            assertEquals(1, topics.latest(topic), "published (and stored) once the commit happened");
        } finally {
            session.close();
        }
    }

    @Test
    void aRolledBackPublishReachesNobody() throws Exception {
        String topic = "tx.rollback" + System.nanoTime();
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        Session session = subscribe(topic, frames);
        try {
            tx.begin();
            publisher.publish(topic, Json.createValue("rolled back"));
            tx.rollback();
            assertEquals(0, topics.latest(topic), "never published");
            publisher.publish(topic, Json.createValue("outside")); // no transaction: at once
            String event = frames.poll(10, TimeUnit.SECONDS);
            assertTrue(event != null && event.contains("\"outside\"") && event.contains("\"seq\":1"),
                    "the first event the subscriber sees is the one after the rollback: " + event);
            assertEquals(1, topics.latest(topic));
        } finally {
            session.close();
        }
    }
}
