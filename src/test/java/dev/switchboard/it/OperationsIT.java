package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.PrometheusParser;
import dev.switchboard.testing.WsClient;
import dev.switchboard.web.HealthChecks;
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

/** What operators use: health (ours and the server's MicroProfile Health), metrics, and a redeploy that tells every client to come back (1001) without losing acknowledged messages. */
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

    private static HttpResponse<String> get(URI uri, String accept) throws Exception {
        return SessionApi.HTTP.send(HttpRequest.newBuilder(uri).header("Accept", accept).timeout(Duration.ofSeconds(10)).build(),
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
            c.join("metered-room");
            c.send("{\"type\":\"send\",\"room\":\"metered-room\",\"text\":\"counted\"}");
            c.until("ack"); // an ack means committed
            HttpResponse<String> r = get(Deployments.http("/api/metrics"), "application/json");
            assertEquals(200, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            JsonObject m = SessionApi.json(r.body());
            assertTrue(m.getInt("connections") >= 1, r.body());
            assertTrue(m.getInt("follows") >= 1, r.body());
            assertTrue(m.getJsonNumber("messagesIn").longValue() >= 1);
            assertTrue(m.getJsonNumber("messagesOut").longValue() >= 2);
            assertTrue(m.containsKey("inPerSecond") && m.containsKey("outPerSecond") && m.containsKey("closes"));
            assertTrue(m.getJsonNumber("stored").longValue() >= 1, "stored");
            assertTrue(m.getJsonNumber("storeTransactions").longValue() >= 1, "storeTransactions");
        }
    }

    /**
     * The WAR's own Micrometer answers on both servers: Prometheus text by default, OpenMetrics and JSON by {@code Accept},
     * each with its content type, and both text forms read by the Prometheus project's parsers.
     */
    @Test
    void metricsAnswerInPrometheusTextOpenMetricsAndJson() throws Exception {
        try (WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(SessionApi.unique("scraped"))))) {
            c.expect("welcome");
            String room = SessionApi.unique("scraped-room");
            c.join(room);
            c.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"measured\",\"id\":\"s-1\"}");
            c.until("ack");
            c.until("message"); // its own message came back: delivered, so its latency is recorded

            HttpResponse<String> text = get(Deployments.http("/api/metrics"));
            assertEquals(200, text.statusCode(), text.body());
            assertEquals("text/plain; charset=utf-8; version=0.0.4", normalized(text));
            var prometheus = PrometheusParser.prometheus(text.body());
            assertTrue(prometheus.value("switchboard_connections").orElseThrow() >= 1, text.body());
            assertTrue(prometheus.value("switchboard_messages_received_total", "endpoint", "chat").orElseThrow() >= 2, text.body());
            assertTrue(prometheus.value("switchboard_messages_sent_total", "endpoint", "chat").orElseThrow() >= 3, text.body());
            assertTrue(prometheus.value("switchboard_delivery_latency_seconds_count").orElseThrow() >= 1, text.body());
            assertTrue(prometheus.value("switchboard_store_batch_size_sum").orElseThrow() >= 1, text.body());
            assertTrue(prometheus.value("switchboard_store_commit_seconds_count").orElseThrow() >= 1, text.body());
            assertEquals("histogram", prometheus.family("switchboard_delivery_latency_seconds").type());

            // what a Prometheus server asks for
            HttpResponse<String> open = get(Deployments.http("/api/metrics"), "application/openmetrics-text;version=1.0.0,"
                    + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
            assertEquals(200, open.statusCode(), open.body());
            assertEquals("application/openmetrics-text; charset=utf-8; version=1.0.0", normalized(open));
            var openMetrics = PrometheusParser.openMetrics(open.body());
            assertEquals("counter", openMetrics.family("switchboard_messages_received").type());
            assertTrue(openMetrics.value("switchboard_connections").orElseThrow() >= 1, open.body());

            HttpResponse<String> json = get(Deployments.http("/api/metrics"), "application/json");
            assertEquals(200, json.statusCode());
            JsonObject m = SessionApi.json(json.body());
            assertTrue(m.getJsonNumber("deliveries").longValue() >= 1, json.body());
            assertTrue(m.getJsonObject("refusals").containsKey("rate_limited"), json.body());

            assertEquals(406, get(Deployments.http("/api/metrics"), "text/html").statusCode());
        }
    }

    /**
     * A content type as the server wrote it, its parameters sorted (their order means nothing, and Jersey writes
     * {@code charset} before {@code version} where RESTEasy keeps ours).
     */
    private static String normalized(HttpResponse<String> r) {
        String[] parts = r.headers().firstValue("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT).split(";");
        java.util.List<String> params = java.util.Arrays.stream(parts).skip(1).map(p -> p.replace(" ", "")).sorted().toList();
        return parts[0].trim() + (params.isEmpty() ? "" : "; " + String.join("; ", params));
    }

    /**
     * The server's own MicroProfile Health endpoints: WildFly (standalone-microprofile.xml) on its management
     * interface, Payara Micro on its HTTP port. Both list our checks, UP.
     */
    private static URI serverHealth(String kind) {
        int port = Servers.payara() ? Deployments.httpPort() : Integer.getInteger("it.management.port", 19990);
        return URI.create("http://127.0.0.1:" + port + "/health/" + kind);
    }

    private static void assertCheckUp(String kind, String name) throws Exception {
        HttpResponse<String> r = get(serverHealth(kind));
        assertEquals(200, r.statusCode(), () -> kind + ": " + r.body());
        JsonObject body = SessionApi.json(r.body());
        assertEquals("UP", body.getString("status"), r.body());
        JsonObject ours = body.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> name.equals(c.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + r.body()));
        assertEquals("UP", ours.getString("status"), r.body());
        assertTrue(ours.getJsonObject("data").containsKey("connections"), r.body());
    }

    @Test
    void serverHealthEndpointsReportOurReadinessAndLiveness() throws Exception {
        assertCheckUp("ready", HealthChecks.READY);
        assertCheckUp("live", HealthChecks.LIVE);
        HttpResponse<String> ready = get(serverHealth("ready"));
        JsonObject data = SessionApi.json(ready.body()).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> HealthChecks.READY.equals(c.getString("name"))).findFirst().orElseThrow().getJsonObject("data");
        assertEquals("reachable", data.getString("history"), ready.body());
        // WildFly writes the boolean as a JSON boolean, Payara as the string "false"
        assertEquals("false", data.get("draining").toString().replace("\"", ""), ready.body());
        // our own endpoint says the same
        JsonObject own = SessionApi.json(get(Deployments.http("/api/health")).body());
        assertEquals("reachable", own.getString("history"));
        assertFalse(own.getBoolean("draining"));
        if (!Servers.payara()) { // the MicroProfile configuration does not publish an OpenAPI document for us
            assertEquals(404, get(URI.create("http://127.0.0.1:" + Deployments.httpPort() + "/openapi")).statusCode());
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
                    + SessionApi.token(URI.create("http://127.0.0.1:" + Deployments.httpPort() + "/switchboard-second/api/session"),
                            SessionApi.unique("redeploy")));
            try (WsClient a = WsClient.connect(ws); WsClient b = WsClient.connect(ws)) {
                a.expect("welcome");
                b.expect("welcome");
                // a fresh room: the second WAR's history file outlives the server in target/ (a run without clean)
                String room = SessionApi.unique("stay");
                a.join(room);
                a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"kept\",\"id\":\"k-1\"}");
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
