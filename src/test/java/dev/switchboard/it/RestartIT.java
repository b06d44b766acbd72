package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.ContainerController;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History survives a real server restart: messages are stored, the WildFly JVM is shut down and a new
 * one started on the same base directory (the "restart" container of arquillian.xml), and a client
 * joining with {@code since} gets them back with their seqs.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RestartIT {

    private static final String CONTAINER = "restart";
    private static final int PORT = 8080 + Integer.getInteger("it.restart.port.offset", 11100);

    @ArquillianResource
    ContainerController controller;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = CONTAINER, managed = false, testable = false)
    @TargetsContainer(CONTAINER)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static URI base(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + PORT + "/switchboard" + path);
    }

    private static String token(String name) throws Exception {
        HttpResponse<String> r = SessionApi.HTTP.send(HttpRequest.newBuilder(base("http", "/api/session"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r::body);
        return SessionApi.json(r.body()).getString("token");
    }

    private static WsClient connect(String token) {
        WsClient c = WsClient.connect(URI.create(base("ws", "/ws/chat") + "?token=" + token));
        c.expect("welcome");
        return c;
    }

    @Test
    void storedMessagesComeBackAfterTheServerRestarts() throws Exception {
        String room = SessionApi.unique("survive");
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        controller.start(CONTAINER);
        try {
            deployer.deploy(CONTAINER);
            String aliceToken = token(alice);
            token(bob); // bob exists, so a direct message to him is stored
            try (WsClient a = connect(aliceToken)) {
                a.join(room);
                for (int i = 1; i <= 3; i++) {
                    a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before " + i + "\",\"id\":\"b-" + i + "\"}");
                    assertEquals(i, a.until("ack").getInt("seq"));
                }
                a.send("{\"type\":\"direct\",\"to\":\"" + bob + "\",\"text\":\"see you after the restart\",\"id\":\"d-1\"}");
                assertEquals(1, a.until("ack").getInt("seq"));
            }

            controller.stop(CONTAINER); // a clean shutdown: the JVM exits
            controller.start(CONTAINER); // a new JVM; the server deploys the WAR it had

            try (WsClient b = connect(token(SessionApi.unique("carol")))) {
                b.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":1}");
                JsonObject joined = b.expect("joined");
                assertEquals(3, joined.getInt("seq"));
                assertTrue(joined.getBoolean("recovered"));
                for (int i = 2; i <= 3; i++) {
                    JsonObject m = b.until("message");
                    assertEquals(i, m.getInt("seq"));
                    assertEquals("before " + i, m.getString("text"));
                    assertEquals(alice, m.getString("from"));
                }
            }
            try (WsClient a = connect(aliceToken)) { // tokens outlive the restart (same secret)
                a.join(room);
                a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before 3\",\"id\":\"b-3\"}");
                assertEquals(3, a.until("ack").getInt("seq"), "a resend after the restart is recognised");
                a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"after\",\"id\":\"a-1\"}");
                assertEquals(4, a.until("ack").getInt("seq"), "seq continues where it was");
                a.send("{\"type\":\"join\",\"room\":\"@me\",\"since\":0}");
                assertEquals(1, a.until("joined").getInt("seq"));
                assertEquals("see you after the restart", a.until("direct").getString("text"));
            }
        } finally {
            try {
                deployer.undeploy(CONTAINER);
            } finally {
                controller.stop(CONTAINER);
            }
        }
    }
}
