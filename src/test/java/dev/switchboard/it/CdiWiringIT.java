package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.chat.Presence;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.security.TokenService;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.inject.Inject;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.net.URI;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs inside WildFly: the services this test gets injected are the very instances the endpoint
 * uses, so a message sent over a socket shows up in them.
 */
@ExtendWith(ArquillianExtension.class)
class CdiWiringIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war().addClass(CdiWiringIT.class).addClass(Deployments.class);
    }

    @Inject
    TokenService tokens;

    @Inject
    HistoryStore history;

    @Inject
    Presence presence;

    @Inject
    ConnectionRegistry connections;

    @Test
    void endpointAndServicesShareTheApplicationScopedBeans() throws Exception {
        assertNotNull(tokens);
        String room = "cdi-" + System.nanoTime();
        BlockingQueue<String> frames = new ArrayBlockingQueue<>(16);
        URI uri = URI.create(Deployments.ws("/ws/chat") + "?token=" + tokens.issue("cdi-user").value());
        Session session = ContainerProvider.getWebSocketContainer().connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig config) {
                s.addMessageHandler(String.class, frames::add);
            }
        }, jakarta.websocket.ClientEndpointConfig.Builder.create().build(), uri);
        try {
            assertTrue(frames.poll(10, TimeUnit.SECONDS).contains("\"welcome\""));
            assertTrue(connections.ofUser("cdi-user").size() >= 1, "the endpoint registered its connection in our bean");
            session.getAsyncRemote().sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertTrue(frames.poll(10, TimeUnit.SECONDS).contains("\"joined\""));
            assertEquals(java.util.List.of("cdi-user"), presence.members(room));
            session.getAsyncRemote().sendText("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"stored?\",\"id\":\"x\"}");
            String ack = null;
            for (int i = 0; i < 3 && (ack == null || !ack.contains("\"ack\"")); i++) {
                ack = frames.poll(10, TimeUnit.SECONDS);
            }
            assertTrue(ack != null && ack.contains("\"ack\""), String.valueOf(ack));
            assertEquals(1, history.latest(room));
            assertEquals("stored?", history.last(room, 1).messages().get(0).text());
        } finally {
            session.close();
        }
    }
}
