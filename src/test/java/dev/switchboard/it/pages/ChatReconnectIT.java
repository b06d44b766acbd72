package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server-side disconnect: the app is redeployed (every connection is closed with 1001) while a page
 * is open and others keep talking. The page reconnects by itself and shows what it missed, once.
 */
@ExtendWith(ArquillianExtension.class)
class ChatReconnectIT {

    private static final String APP = "app";
    private static final Duration BACK = Duration.ofSeconds(60); // reconnect backoff tops out at 15 s

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = APP, managed = false, testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    @Test
    void thePageReconnectsAfterARedeployAndShowsWhatItMissed() throws Exception {
        deployer.deploy(APP);
        String erin = SessionApi.unique("erin");
        String frank = SessionApi.unique("frank");
        String room = SessionApi.unique("restart");
        String token = SessionApi.token(frank);
        URI asFrank = URI.create(Deployments.ws("/ws/chat") + "?token=" + token);
        try (Browser browser = Browser.open()) {
            ChatPage page = new ChatPage(browser).open().signIn(erin).join(room);
            try (WsClient f = WsClient.connect(asFrank)) {
                f.expect("welcome");
                f.join(room);
                f.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"before\",\"id\":\"b\"}");
                f.until("ack");
                page.awaitMessage("before");

                deployer.undeploy(APP);
                // on Payara Micro the adapter undeploys by ending the JVM (SIGTERM): the app's shutdown still says 1001
                assertEquals(1001, f.awaitClose().getCloseCode().getCode());
            }
            browser.awaitAttribute("#status", "data-state", "reconnecting");

            deployer.deploy(APP);
            try (WsClient f = WsClient.connect(asFrank)) { // tokens outlive a redeploy
                f.expect("welcome");
                f.join(room);
                for (int i = 1; i <= 3; i++) {
                    f.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"missed " + i + "\",\"id\":\"m" + i + "\"}");
                    f.until("ack");
                }
            }
            browser.await(d -> page.messages().size() >= 4, BACK);
            browser.awaitAttribute("#status", "data-state", "open");
            assertEquals(List.of("before", "missed 1", "missed 2", "missed 3"), page.messages(), "each exactly once, in order");
        } finally {
            deployer.undeploy(APP);
        }
    }
}
