package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.testing.RawHttp;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/** The live topics page in headless Chromium: the ticker moves, the log follows for operators only. */
@ExtendWith(ArquillianExtension.class)
class TopicsPageIT {

    /** In the IT server's switchboard.operators list (arquillian.xml). */
    private static final String OPERATOR = "it-page-operator";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static void signIn(Browser b, String name) {
        b.driver().get(Deployments.http("/topics.html").toString());
        b.visible("#name").sendKeys(name);
        b.click("#signin-form button[type=submit]");
        b.awaitAttribute("#status", "data-state", "open");
    }

    private static int points(Browser b, String symbol) {
        return b.attributes("#ticker-rows tr[data-symbol='" + symbol + "'] polyline", "points").stream().findFirst()
                .map(p -> p.trim().split(" ").length).orElse(0);
    }

    @Test
    void theTickerUpdatesAndTheLogFollowsForAnOperator() throws Exception {
        try (Browser b = Browser.open()) {
            signIn(b, OPERATOR);
            b.visible("#ticker-rows tr[data-symbol='ACME']");
            b.await(d -> points(b, "ACME") >= 3); // one quote a second: the row keeps moving
            String price = b.texts("#ticker-rows tr[data-symbol='ACME'] td:nth-child(2)").get(0);
            assertTrue(price.matches("\\d+\\.\\d{2}"), price);

            b.click("#log-follow");
            b.visible("#log-pause");
            // a refused handshake is logged on the server (INFO): the tail shows it
            RawHttp.upgrade(Deployments.httpPort(), "/switchboard/ws/chat", Map.of());
            b.await(d -> b.texts("#log li").stream().anyMatch(li -> li.contains("handshake refused (401")));
            b.click("#log-pause");
            b.awaitAttribute("#log-pause", "aria-pressed", "true");
            b.click("#log-pause");
            b.awaitAttribute("#log-pause", "aria-pressed", "false");
            b.screenshot("topics");
        }
    }

    @Test
    void theLogIsForOperatorsOnly() {
        try (Browser b = Browser.open()) {
            signIn(b, SessionApi.unique("viewer"));
            b.click("#log-follow");
            b.await(d -> !b.driver().findElement(By.id("log-notice")).getText().isEmpty());
            assertTrue(b.all("#log li").isEmpty());
            b.visible("#log-follow"); // offered again, nothing subscribed
        }
    }
}
