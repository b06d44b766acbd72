package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Direct messages through the container, with the durable store: two users with two devices each. */
@ExtendWith(ArquillianExtension.class)
class DirectMessagesIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static WsClient device(String token, String user) {
        WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + token));
        assertEquals(user, c.expect("welcome").getString("user"));
        return c;
    }

    @Test
    void directMessagesReachBothDevicesOfBothUsers() throws Exception {
        String alice = SessionApi.unique("alice");
        String bob = SessionApi.unique("bob");
        String aliceToken = SessionApi.token(alice);
        String bobToken = SessionApi.token(bob);
        try (WsClient aliceLaptop = device(aliceToken, alice); WsClient alicePhone = device(aliceToken, alice);
                WsClient bobLaptop = device(bobToken, bob); WsClient bobPhone = device(bobToken, bob)) {
            List<WsClient> all = List.of(aliceLaptop, alicePhone, bobLaptop, bobPhone);
            for (WsClient c : all) {
                JsonObject joined = c.join("@me");
                assertEquals(0, joined.getInt("seq"), "a new user's inbox is empty");
            }
            aliceLaptop.send("{\"type\":\"direct\",\"to\":\"" + bob + "\",\"text\":\"lunch?\",\"id\":\"d-1\"}");
            JsonObject ack = aliceLaptop.until("ack");
            assertEquals("@me", ack.getString("room"));
            assertEquals(1, ack.getInt("seq"));
            for (WsClient c : all) {
                JsonObject d = c.until("direct");
                assertEquals(alice, d.getString("from"));
                assertEquals(bob, d.getString("to"));
                assertEquals("lunch?", d.getString("text"));
                assertEquals(1, d.getInt("seq"));
            }
            bobPhone.send("{\"type\":\"direct\",\"to\":\"" + alice + "\",\"text\":\"yes\",\"id\":\"d-1\"}");
            assertEquals(2, bobPhone.until("ack").getInt("seq"));
            for (WsClient c : all) {
                JsonObject d = c.until("direct");
                assertEquals(bob, d.getString("from"));
                assertEquals("yes", d.getString("text"));
                assertEquals(2, d.getInt("seq"));
            }
            aliceLaptop.send("{\"type\":\"direct\",\"to\":\"" + bob + "\",\"text\":\"lunch?\",\"id\":\"d-1\"}");
            assertEquals(1, aliceLaptop.until("ack").getInt("seq"), "a resend is acked with the original seq");

            // a device that was away catches up from its inbox with since
            try (WsClient aliceTablet = device(aliceToken, alice)) {
                aliceTablet.send("{\"type\":\"join\",\"room\":\"@me\",\"since\":0}");
                assertEquals(2, aliceTablet.expect("joined").getInt("seq"));
                assertEquals("lunch?", aliceTablet.expect("direct").getString("text"));
                assertEquals("yes", aliceTablet.expect("direct").getString("text"));
            }
        }
    }

    @Test
    void anotherUsersInboxIsForbiddenAndUnknownRecipientsAreNotFound() throws Exception {
        String carol = SessionApi.unique("carol");
        String dave = SessionApi.unique("dave");
        SessionApi.token(dave);
        try (WsClient c = device(SessionApi.token(carol), carol)) {
            c.send("{\"type\":\"join\",\"room\":\"@" + dave + "\"}");
            assertEquals("forbidden", c.expect("error").getString("code"));
            c.send("{\"type\":\"direct\",\"to\":\"" + SessionApi.unique("ghost") + "\",\"text\":\"hi\",\"id\":\"g-1\"}");
            JsonObject e = c.expect("error");
            assertEquals("not_found", e.getString("code"));
            assertEquals("g-1", e.getString("id"));
            c.send("{\"type\":\"ping\"}");
            c.expect("pong");
        }
    }
}
