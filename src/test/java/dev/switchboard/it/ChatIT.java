package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two signed-in users chat in a room through the container. */
@ExtendWith(ArquillianExtension.class)
class ChatIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static WsClient signedIn(String user) throws Exception {
        WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(user)));
        assertEquals(user, c.expect("welcome").getString("user"));
        return c;
    }

    @Test
    void twoUsersChatInARoom() throws Exception {
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        String room = SessionApi.unique("room");
        try (WsClient a = signedIn(alice); WsClient b = signedIn(bob)) {
            a.join(room);
            a.expect("presence");
            JsonObject joined = b.join(room);
            assertEquals(List.of(alice, bob).stream().sorted().toList(),
                    joined.getJsonArray("members").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
            assertEquals(bob, a.expect("presence").getString("user"));
            b.expect("presence");

            a.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"hello bob\",\"id\":\"c-1\",\"from\":\"" + bob + "\"}");
            assertEquals(1, a.expect("ack").getInt("seq"));
            JsonObject m = b.expect("message");
            assertEquals(alice, m.getString("from"), "identity is the handshake's, not the body's");
            assertEquals("hello bob", m.getString("text"));
            assertEquals(1, m.getInt("seq"));
            a.expect("message");

            b.send("{\"type\":\"typing\",\"room\":\"" + room + "\"}");
            assertEquals(bob, a.expect("typing").getString("user"));
            b.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"hi alice\",\"id\":\"c-1\"}");
            assertEquals(2, b.expect("ack").getInt("seq"), "ids are per user: bob's c-1 is not alice's");
            assertEquals(2, a.expect("message").getInt("seq"));
            assertEquals(2, b.expect("message").getInt("seq"));

            b.send("{\"type\":\"launch\"}");
            assertEquals("unknown_type", b.expect("error").getString("code"));
            b.send("{\"type\":\"ping\"}");
            b.expect("pong");
        }
    }
}
