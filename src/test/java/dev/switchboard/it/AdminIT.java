package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.security.TokenService;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API in the container: each action as an operator ({@code it-operator} is in {@code switchboard.operators},
 * signed in with the {@code sb_token} cookie), and each refused with 401 without an identity and 403 to anyone else.
 */
@ExtendWith(ArquillianExtension.class)
class AdminIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Account tokens (no guest claim), signed with the server's secret, as ConnectionCapIT makes them. */
    private static final TokenService TOKENS = new TokenService(Deployments.SECRET.getBytes(StandardCharsets.UTF_8),
            Duration.ofHours(1), Clock.systemUTC());
    private static final String OPERATOR = "it-operator";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static String token(String user) {
        return TOKENS.issue(user).value();
    }

    /** A request as curl sends it ({@code -d}: form-encoded content type), with the cookie when a token is given. */
    private static HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(Deployments.http(path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        if (token != null) {
            b.header("Cookie", "sb_token=" + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> asOperator(String method, String path, String body) throws Exception {
        return call(method, path, body, token(OPERATOR));
    }

    private static WsClient chat(String user) {
        WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + token(user)));
        assertEquals(user, c.expect("welcome").getString("user"));
        return c;
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r::body);
        assertEquals(code, SessionApi.json(r.body()).getString("error"), r::body);
    }

    @Test
    void everyActionIsRefusedWithoutAnIdentityAndToNonOperators() throws Exception {
        String room = SessionApi.unique("guarded");
        String user = SessionApi.unique("ana");
        try (WsClient owner = chat(user)) {
            owner.join(room); // a room that exists: a refusal must not depend on it
            String mallory = token(SessionApi.unique("mallory"));
            List<String[]> actions = List.of(
                    new String[] {"GET", "/api/admin/users/" + user + "/connections", null},
                    new String[] {"POST", "/api/admin/users/" + user + "/disconnect", "{\"reason\":\"x\"}"},
                    new String[] {"POST", "/api/admin/rooms/" + room + "/close", "{}"},
                    new String[] {"POST", "/api/admin/rooms/" + room + "/reopen", null},
                    new String[] {"POST", "/api/admin/rooms/" + room + "/notices", "{\"text\":\"x\"}"},
                    new String[] {"POST", "/api/admin/notices", "{\"text\":\"x\"}"});
            for (String[] a : actions) {
                assertError(call(a[0], a[1], a[2], null), 401, "unauthorized");
                assertError(call(a[0], a[1], a[2], "forged.token"), 401, "unauthorized");
                assertError(call(a[0], a[1], a[2], mallory), 403, "forbidden");
            }
            owner.send("{\"type\":\"ping\"}");
            assertEquals("pong", owner.until("pong").getString("type"), "nothing was done to the user");
        }
    }

    @Test
    void anOperatorListsAUsersConnectionsAndDisconnectsThemEverywhere() throws Exception {
        String ana = SessionApi.unique("ana");
        String room = SessionApi.unique("r");
        try (WsClient phone = chat(ana); WsClient laptop = chat(ana)) {
            phone.join(room);
            HttpResponse<String> listed = asOperator("GET", "/api/admin/users/" + ana + "/connections", null);
            assertEquals(200, listed.statusCode(), listed::body);
            JsonObject body = SessionApi.json(listed.body());
            assertEquals(ana, body.getString("user"));
            assertEquals(1, body.getJsonArray("nodes").size());
            assertEquals(0, body.getJsonArray("missing").size());
            JsonArray connections = body.getJsonArray("connections");
            assertEquals(2, connections.size(), body::toString);
            for (JsonObject c : connections.getValuesAs(JsonObject.class)) {
                assertEquals("chat", c.getString("endpoint"));
                assertEquals("127.0.0.1", c.getString("address"));
                assertFalse(c.getString("since").isEmpty());
            }
            assertTrue(connections.getValuesAs(JsonObject.class).stream()
                    .anyMatch(c -> c.getJsonArray("rooms").getString(0, "").equals(room)), body::toString);

            HttpResponse<String> done = asOperator("POST", "/api/admin/users/" + ana + "/disconnect", "{\"reason\":\"spam\"}");
            assertEquals(202, done.statusCode(), done::body);
            for (WsClient c : List.of(phone, laptop)) {
                CloseReason closed = c.awaitClose();
                assertEquals(1008, closed.getCloseCode().getCode());
                assertEquals("spam", closed.getReasonPhrase());
            }
        }
        assertEquals(0, SessionApi.json(asOperator("GET", "/api/admin/users/" + ana + "/connections", null).body())
                .getJsonArray("connections").size());
        assertError(asOperator("GET", "/api/admin/users/no%20spaces/connections", null), 400, "bad_request");
        assertError(asOperator("POST", "/api/admin/users/" + ana + "/disconnect", "not json"), 400, "bad_request");
    }

    @Test
    void anOperatorClosesARoomForEveryoneAndReopensIt() throws Exception {
        String room = SessionApi.unique("r");
        String ana = SessionApi.unique("ana");
        try (WsClient a = chat(ana); WsClient b = chat(SessionApi.unique("ben"))) {
            a.join(room);
            b.join(room);
            HttpResponse<String> closed = asOperator("POST", "/api/admin/rooms/" + room + "/close", "{\"reason\":\"spam wave\"}");
            assertEquals(200, closed.statusCode(), closed::body);
            assertEquals("closed", SessionApi.json(closed.body()).getString("state"));
            for (WsClient c : List.of(a, b)) {
                JsonObject left = c.until("left");
                assertEquals("closed", left.getString("reason"));
                assertEquals(OPERATOR, left.getString("by"));
                assertEquals("spam wave", left.getString("message"));
            }
            a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"still here?\",\"id\":\"m1\"}");
            assertEquals("room_closed", a.until("error").getString("code"));
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals("room_closed", a.until("error").getString("code"));
        }
        assertError(asOperator("POST", "/api/admin/rooms/" + room + "/close", null), 409, "conflict");
        assertError(asOperator("POST", "/api/admin/rooms/" + SessionApi.unique("nothing") + "/close", null), 404, "not_found");
        assertError(asOperator("POST", "/api/admin/rooms/" + room + "/notices", "{\"text\":\"hello\"}"), 409, "conflict");
        assertFalse(call("GET", "/api/rooms", null, token(ana)).body().contains(room), "not in the directory");

        HttpResponse<String> reopened = asOperator("POST", "/api/admin/rooms/" + room + "/reopen", null);
        assertEquals(200, reopened.statusCode(), reopened::body);
        assertError(asOperator("POST", "/api/admin/rooms/" + room + "/reopen", null), 409, "conflict");
        try (WsClient a = chat(ana)) {
            a.join(room);
        }
    }

    @Test
    void anOperatorSendsNoticesToARoomAndToEveryone() throws Exception {
        String room = SessionApi.unique("r");
        try (WsClient a = chat(SessionApi.unique("ana")); WsClient b = chat(SessionApi.unique("ben"))) {
            a.join(room);
            HttpResponse<String> posted = asOperator("POST", "/api/admin/rooms/" + room + "/notices", "{\"text\":\"maintenance at 22:00\"}");
            assertEquals(200, posted.statusCode(), posted::body);
            long seq = SessionApi.json(posted.body()).getJsonNumber("seq").longValue();
            JsonObject notice = a.until("notice");
            assertEquals(room, notice.getString("room"));
            assertEquals(seq, notice.getJsonNumber("seq").longValue());
            assertEquals("maintenance at 22:00", notice.getString("text"));

            assertEquals(202, asOperator("POST", "/api/admin/notices", "{\"text\":\"restart in 5 minutes\"}").statusCode());
            for (WsClient c : List.of(a, b)) {
                JsonObject everyone = c.until("notice");
                assertEquals("restart in 5 minutes", everyone.getString("text"));
                assertFalse(everyone.containsKey("room"));
            }
        }
        try (WsClient later = chat(SessionApi.unique("cy"))) { // a room notice is history
            later.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":0}");
            later.expect("joined");
            assertEquals("maintenance at 22:00", later.until("notice").getString("text"));
        }
        assertError(asOperator("POST", "/api/admin/rooms/" + room + "/notices", "{\"text\":\"\"}"), 400, "bad_request");
        assertError(asOperator("POST", "/api/admin/notices", null), 400, "bad_request");
        assertError(asOperator("POST", "/api/admin/rooms/" + SessionApi.unique("nothing") + "/notices", "{\"text\":\"x\"}"), 404, "not_found");
    }
}
