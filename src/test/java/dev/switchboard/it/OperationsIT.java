package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What operators use: health, metrics, and a redeploy that tells every client to come back (1001) without losing acknowledged messages. */
@ExtendWith(ArquillianExtension.class)
class OperationsIT {

    private static final String SECOND = "second";

    @ArquillianResource
    Deployer deployer;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    /** The same WAR under another context root ({@code /switchboard-second}), deployed and undeployed by the test. */
    @Deployment(name = SECOND, managed = false, testable = false)
    static WebArchive second() {
        return ShrinkWrap.create(WebArchive.class, "switchboard-second.war").merge(Deployments.war());
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return SessionApi.HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthAndMetricsAnswer() throws Exception {
        HttpResponse<String> health = get(Deployments.http("/api/health"));
        assertEquals(200, health.statusCode());
        assertEquals("UP", SessionApi.json(health.body()).getString("status"));
        String user = SessionApi.unique("metered");
        try (WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(user)))) {
            c.expect("welcome");
            c.join("@me");
            HttpResponse<String> r = get(Deployments.http("/api/metrics"));
            assertEquals(200, r.statusCode());
            JsonObject m = SessionApi.json(r.body());
            assertTrue(m.getInt("connections") >= 1);
            assertTrue(m.getInt("follows") >= 1);
            assertTrue(m.getJsonNumber("messagesIn").longValue() >= 1);
            assertTrue(m.getJsonNumber("messagesOut").longValue() >= 2);
            assertTrue(m.containsKey("inPerSecond") && m.containsKey("outPerSecond") && m.containsKey("closes"));
        }
    }

    @Test
    void undeployClosesEveryClientWith1001AndAcknowledgedMessagesWereStored() throws Exception {
        // On Payara, pages.ChatReconnectIT checks the same thing through the one deployment: undeploy (the Micro
        // stops) closes every client with 1001, and the history acknowledged before it outlives it (the page
        // resumes with since and gets exactly what it missed, numbered after the acknowledged message)
        Servers.knownPayaraGap("the Micro adapter runs one application per Micro (each deploy starts a Micro on the same port), so a second copy of the WAR cannot be deployed beside the first; ChatReconnectIT covers undeploy -> 1001 and the kept history there");
        deployer.deploy(SECOND);
        boolean deployed = true;
        try {
            URI ws = URI.create("ws://127.0.0.1:" + Deployments.httpPort() + "/switchboard-second/ws/chat?token="
                    + SessionApi.token(SessionApi.unique("redeploy")));
            try (WsClient a = WsClient.connect(ws); WsClient b = WsClient.connect(ws)) {
                a.expect("welcome");
                b.expect("welcome");
                a.join("stay");
                a.send("{\"type\":\"send\",\"room\":\"stay\",\"text\":\"kept\",\"id\":\"k-1\"}");
                assertEquals(1, a.until("ack").getInt("seq"));
                deployer.undeploy(SECOND);
                deployed = false;
                assertEquals(1001, a.awaitClose().getCloseCode().getCode());
                assertEquals(1001, b.awaitClose().getCloseCode().getCode());
            }
        } finally {
            if (deployed) {
                deployer.undeploy(SECOND);
            }
        }
    }
}
