package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.testing.RawHttp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The live topics page in headless Chromium: the ticker moves; the log is for operators only, opens with its recent
 * lines and says when it waits; refused subscriptions go with a translated reason; binary events show; sign-out; no
 * sideways scrolling on a phone.
 */
@ExtendWith(ArquillianExtension.class)
class TopicsPageIT {

    /** In the IT server's switchboard.operators list (pom.xml, it.switchboard.opts). */
    private static final String OPERATOR = "it-page-operator";
    /** The IT servers' publisher key (pom.xml, it.switchboard.opts). */
    private static final String KEY = "it-publisher-key-0123456789";
    /** A 1×1 PNG. */
    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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

    /** Through the page's form, as a user would. */
    private static void subscribe(Browser b, String topic) {
        b.visible("#topic").sendKeys(topic);
        b.click("#subscribe-form button[type=submit]");
    }

    /** The server answered the exact topic's subscribe (the client took its epoch from {@code subscribed}). */
    private static void awaitSubscribed(Browser b, String topic) {
        b.await(d -> Boolean.TRUE.equals(b.driver.executeScript(
                "const p = window.switchboardTopics.positions.get(arguments[0]); return Boolean(p && p.epoch);", topic)));
    }

    private static List<String> chips(Browser b) {
        return b.texts("#subscriptions li span");
    }

    private static boolean subscribedInClient(Browser b, String topic) {
        return (Boolean) b.driver.executeScript("return window.switchboardTopics.patterns.has(arguments[0]);", topic);
    }

    private static String text(Browser b, String id) {
        return b.driver().findElement(By.id(id)).getText();
    }

    private static boolean displayed(Browser b, String id) {
        return b.driver().findElement(By.id(id)).isDisplayed();
    }

    private static void publish(String topic, String contentType, byte[] body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(Deployments.http("/api/topics/" + topic))
                .timeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1)
                .header("Authorization", "Bearer " + KEY).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
    }

    private static void publishJson(String topic, String json) throws Exception {
        publish(topic, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A topic segment no other test uses. */
    private static String unique(String prefix) {
        return SessionApi.unique(prefix);
    }

    @Test
    void theTickerMovesAndTheLogWaitsThenOpensWithItsRecentLinesForAnOperator() throws Exception {
        try (Browser b = Browser.open()) {
            signIn(b, OPERATOR);
            b.visible("#ticker-rows tr[data-symbol='ACME']");
            b.await(d -> points(b, "ACME") >= 3); // one quote a second: the row keeps moving
            String price = b.texts("#ticker-rows tr[data-symbol='ACME'] td:nth-child(2)").get(0);
            assertTrue(price.matches("\\d+\\.\\d{2}"), price);

            // not following: a hint, no empty black box
            assertFalse(displayed(b, "log"));
            assertEquals("idle", b.driver().findElement(By.id("log-empty")).getAttribute("data-state"));
            assertEquals("Operators can follow the server log here.", text(b, "log-empty"));

            // following a log topic that has no lines: it says it is waiting, also once the server has answered
            String quiet = "logs." + unique("quiet");
            b.driver.executeScript("document.getElementById('log').dataset.topic = arguments[0];", quiet);
            b.click("#log-follow");
            awaitSubscribed(b, quiet);
            b.awaitAttribute("#log-empty", "data-state", "waiting");
            assertEquals("Waiting for log lines…", text(b, "log-empty"));
            assertFalse(displayed(b, "log"));
            assertTrue(b.all("#log li").isEmpty());
            b.click("#subscriptions button[aria-label='Unsubscribe from " + quiet + "']");
            b.await(d -> !chips(b).contains(quiet));
            b.driver.executeScript("delete document.getElementById('log').dataset.topic;"); // back to logs.server

            // the server log follows: a refused handshake is logged on the server (INFO), its Origin a marker
            b.click("#log-follow");
            b.visible("#log-pause");
            String marker = "https://" + unique("marker") + ".example";
            assertEquals(403, RawHttp.upgrade(Deployments.httpPort(), "/switchboard/ws/chat", Map.of("Origin", marker)).status());
            b.await(d -> b.texts("#log li").stream().anyMatch(li -> li.contains(marker)));
            assertFalse(displayed(b, "log-empty"));
            b.click("#log-pause");
            b.awaitAttribute("#log-pause", "aria-pressed", "true");
            b.click("#log-pause");
            b.awaitAttribute("#log-pause", "aria-pressed", "false");
            b.screenshot("topics");

            // a new page that follows the log opens with its recent lines: the marker, logged before it subscribed
            b.driver().navigate().refresh();
            b.awaitAttribute("#status", "data-state", "open");
            assertTrue(b.all("#log li").isEmpty());
            b.click("#log-follow");
            b.await(d -> b.texts("#log li").stream().anyMatch(li -> li.contains(marker)));
            assertTrue(displayed(b, "log"));
            assertFalse(displayed(b, "log-empty"));

            b.click("#signout"); // lets the next run's browser claim the operator's name
            b.visible("#signin");
        }
    }

    @Test
    void theLogIsForOperatorsOnly() {
        try (Browser b = Browser.open()) {
            signIn(b, SessionApi.unique("viewer"));
            b.click("#log-follow");
            b.await(d -> !text(b, "log-notice").isEmpty());
            assertEquals("The server log is for operators only.", text(b, "log-notice"));
            assertTrue(b.all("#log li").isEmpty());
            b.visible("#log-follow"); // offered again, nothing subscribed
            assertFalse(chips(b).contains("logs.server"));
            assertFalse(subscribedInClient(b, "logs.server"));
        }
    }

    @Test
    void aRefusedSubscriptionIsRemovedWithItsReason() {
        try (Browser b = Browser.open()) {
            signIn(b, SessionApi.unique("viewer"));
            subscribe(b, "orders..eu");
            b.await(d -> text(b, "notice").startsWith("Not subscribed to orders..eu: The server could not take that"));
            b.await(d -> !chips(b).contains("orders..eu"));
            assertFalse(subscribedInClient(b, "orders..eu"), "not subscribed again after a reconnect");

            subscribe(b, "logs.other");
            b.await(d -> text(b, "notice").equals("Not subscribed to logs.other: That is not allowed."));
            b.await(d -> !chips(b).contains("logs.other"));
            assertEquals(List.of("ticker.*"), chips(b), "what the server took stays");
        }
    }

    @Test
    void theChinesePageGivesTheReasonInChinese() {
        try (Browser b = Browser.open("zh-CN")) {
            signIn(b, SessionApi.unique("viewer"));
            assertEquals("zh-CN", b.driver().findElement(By.tagName("html")).getAttribute("lang"));
            subscribe(b, "orders..eu");
            b.await(d -> text(b, "notice").equals("未能订阅 orders..eu：服务器无法处理这个请求。"));
            b.await(d -> !chips(b).contains("orders..eu"));
            subscribe(b, "logs.other");
            b.await(d -> text(b, "notice").equals("未能订阅 logs.other：不允许这样做。"));
            assertFalse(text(b, "notice").replace("logs.other", "").matches(".*[A-Za-z].*"), "no English but the topic");
            b.click("#log-follow");
            b.await(d -> text(b, "log-notice").equals("服务器日志仅对运维人员开放。"));
            assertEquals("运维人员可以在这里跟踪服务器日志。", text(b, "log-empty"));
            assertEquals(List.of("ticker.*"), chips(b));
        }
    }

    @Test
    void binaryEventsShowAsAnImageOrADownload() throws Exception {
        String root = unique("bin");
        try (Browser b = Browser.open()) {
            signIn(b, SessionApi.unique("viewer"));
            subscribe(b, root + ".cam");
            subscribe(b, root + ".files");
            awaitSubscribed(b, root + ".cam");
            awaitSubscribed(b, root + ".files");

            publish(root + ".cam", "image/png", PNG);
            b.visible("#events li.binary img.attachment");
            b.await(d -> Long.valueOf(1).equals(b.driver.executeScript(
                    "return document.querySelector('#events img.attachment').naturalWidth;"))); // the bytes decode
            assertTrue(b.attributes("#events img.attachment", "src").get(0).startsWith("blob:"));
            assertEquals(root + ".cam #1 · image/png, " + PNG.length + " bytes", b.texts("#events li.binary span").get(0));

            byte[] pdf = "%PDF-1.4 not really a document <b>no html</b>".getBytes(StandardCharsets.UTF_8);
            publish(root + ".files", "application/pdf", pdf);
            b.visible("#events li.binary a.attachment");
            String name = root + ".files-1.pdf";
            assertEquals("Download " + name, b.texts("#events a.attachment").get(0));
            assertEquals(name, b.attributes("#events a.attachment", "download").get(0));
            assertTrue(b.attributes("#events a.attachment", "href").get(0).startsWith("blob:"));
            Object fetched = b.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(document.querySelector('#events a.attachment').href).then(r => r.text()).then(done);");
            assertEquals(new String(pdf, StandardCharsets.UTF_8), fetched, "the download is the published bytes");

            // never HTML from data: markup in an event is shown as text
            publishJson(root + ".files", "{\"data\":\"<b>bold</b><img src=x>\"}");
            b.await(d -> b.texts("#events li").stream().anyMatch(li -> li.contains("<b>bold</b><img src=x>")));
            assertTrue(b.all("#events b").isEmpty());
            assertEquals(2, b.all("#events img").size() + b.all("#events a").size(), "only the two binary events' elements");
        }
    }

    @Test
    void signOutEndsTheSessionAndTheSignInFormComesBack() {
        String name = SessionApi.unique("leaver");
        try (Browser b = Browser.open()) {
            b.driver().get(Deployments.http("/topics.html").toString());
            b.visible("#signin");
            assertFalse(displayed(b, "topics"), "nothing behind the sign-in card");
            assertFalse(displayed(b, "signout"));
            signIn(b, name);
            assertEquals(name, text(b, "me"));
            b.click("#signout");
            b.visible("#signin"); // the page reloaded without a session
            assertFalse(displayed(b, "topics"));
            assertFalse(displayed(b, "signout"));
            assertEquals("", text(b, "me"));
            Object status = b.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('api/session', { cache: 'no-store' }).then(r => done(r.status));");
            assertEquals(401L, status);
            signIn(b, name); // the name was released: the same person signs in again
            assertEquals(name, text(b, "me"));
        }
    }

    @Test
    void noSidewaysScrollingOnAPhone() throws Exception {
        String root = unique("phone");
        // 75 characters in two unbroken segments (the history keeps stream names up to 80, "#" included)
        String longTopic = root + "." + "x".repeat(60);
        try (Browser b = Browser.open()) {
            b.driver().manage().window().setSize(new Dimension(390, 844));
            b.driver().get(Deployments.http("/topics.html").toString());
            b.visible("#signin");
            assertFitsTheWidth(b, "the sign-in card");
            signIn(b, SessionApi.unique("phone-viewer-long-name"));
            b.await(d -> points(b, "ACME") >= 2);
            subscribe(b, longTopic);
            awaitSubscribed(b, longTopic);
            publishJson(longTopic, "{\"data\":\"" + "z".repeat(300) + "\"}");
            publish(longTopic, "image/png", PNG);
            publish(longTopic, "application/zip", new byte[] {80, 75, 5, 6});
            b.visible("#events a.attachment");
            subscribe(b, "bad..topic-" + "w".repeat(120));
            b.await(d -> text(b, "notice").startsWith("Not subscribed to bad..topic"));
            b.click("#log-follow");
            b.await(d -> !text(b, "log-notice").isEmpty());
            assertFitsTheWidth(b, "the topics page, full");
            b.driver.executeScript("document.getElementById('topics').scrollTop = 0;"); // the chips and the notice
            b.screenshot("topics-phone");
        }
    }

    /** The document is no wider than the 390 px viewport, and no element reaches beyond it (not even inside a scroller). */
    @SuppressWarnings("unchecked")
    private static void assertFitsTheWidth(Browser b, String what) {
        Map<String, Object> m = (Map<String, Object>) b.driver.executeScript(
                "const w = window.innerWidth;"
                + "const wide = [...document.body.querySelectorAll('*')]"
                + "  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > w + 0.5)"
                + "  .map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right));"
                + "return { width: w, scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8).join(', ') };");
        long width = (Long) m.get("width");
        assertEquals(390, width, "the viewport is a phone's");
        assertTrue((Long) m.get("scrollWidth") <= width, what + ": document " + m.get("scrollWidth") + " px wide");
        assertEquals("", m.get("wide"), what + ": elements beyond the right edge");
    }
}
