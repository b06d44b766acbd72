package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.support.ui.Select;

/** The chat page in real headless Chromium against the app in WildFly. */
@ExtendWith(ArquillianExtension.class)
class ChatPageIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 6);
    }

    /**
     * A busy room on a laptop and on a phone: the page stays the window's height (the list scrolls, not the page), the
     * input and the newest message stay on screen, and the chat is not shown behind the sign-in card.
     */
    @Test
    void fiftyMessagesKeepTheInputAndTheNewestMessageOnScreenOnALaptopAndAPhone() throws Exception {
        for (Dimension size : List.of(new Dimension(1280, 800), new Dimension(390, 844))) {
            String room = unique("busy");
            try (Browser browser = Browser.open()) {
                browser.driver().manage().window().setSize(size);
                ChatPage page = new ChatPage(browser).open();
                assertFalse(browser.driver().findElement(By.id("chat")).isDisplayed(), "no chat behind the sign-in card");
                page.signIn(unique("reader")).join(room);
                // two other people fill the room, each within the rate limit's burst
                for (String writer : List.of(unique("w"), unique("v"))) {
                    try (WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(writer)))) {
                        c.expect("welcome");
                        c.join(room);
                        for (int i = 0; i < 25; i++) {
                            c.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + writer + " line " + i + "\",\"id\":\"l" + i + "\"}");
                        }
                        for (int i = 0; i < 25; i++) {
                            c.until("ack");
                        }
                    }
                }
                page.say("my own line");
                page.awaitMessage("my own line");
                assertEquals(51, page.messages().size());
                JavascriptExecutor js = (JavascriptExecutor) browser.driver();
                long viewport = ((Number) js.executeScript("return window.innerHeight")).longValue();
                long pageHeight = ((Number) js.executeScript("return document.scrollingElement.scrollHeight")).longValue();
                assertTrue(pageHeight <= viewport + 1, size + ": the page grew to " + pageHeight + " px in a " + viewport + " px window");
                Rectangle input = browser.visible("#composer-text").getRect();
                assertTrue(input.getY() >= 0 && input.getY() + input.getHeight() <= viewport, size + ": the input is off screen at " + input);
                Rectangle list = browser.driver().findElement(By.id("messages")).getRect();
                List<org.openqa.selenium.WebElement> shown = browser.driver().findElements(By.cssSelector("#messages .message"));
                Rectangle newest = shown.get(shown.size() - 1).getRect();
                assertTrue(newest.getY() + newest.getHeight() <= list.getY() + list.getHeight() + 1 && newest.getY() >= list.getY(),
                        size + ": the newest message is scrolled into view (" + newest + " in " + list + ")");
                long pageWidth = ((Number) js.executeScript("return document.scrollingElement.scrollWidth")).longValue();
                long viewportWidth = ((Number) js.executeScript("return window.innerWidth")).longValue();
                assertTrue(pageWidth <= viewportWidth, size + ": no sideways scrolling (" + pageWidth + " > " + viewportWidth + ")");
                if (size.getWidth() < 760) { // a phone: the rooms are a drawer over the conversation
                    assertFalse(browser.driver().findElement(By.id("sidebar")).isDisplayed(), "the drawer starts closed");
                    browser.screenshot("chat-phone");
                    browser.click("#drawer-toggle");
                    browser.visible("[data-testid='room-lobby']").click(); // choosing a conversation closes the drawer
                    browser.awaitText("#conversation-title", "#lobby");
                    browser.await(d -> !d.findElement(By.id("sidebar")).isDisplayed());
                }
            }
        }
    }

    @Test
    void twoPeopleChatWithPresenceTypingAndADirectMessage() {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = unique("room");
        try (Browser a = Browser.open(); Browser b = Browser.open()) {
            ChatPage pa = new ChatPage(a).open().signIn(alice).join(room);
            ChatPage pb = new ChatPage(b).open().signIn(bob).join(room);

            a.await(d -> pa.members().stream().anyMatch(m -> m.startsWith(bob)));
            b.await(d -> pb.members().stream().anyMatch(m -> m.startsWith(alice)));

            pb.type("hel");
            a.awaitText("#typing", bob);

            pb.say("hello " + alice);
            pa.awaitMessage("hello " + alice);
            assertEquals("", a.driver().findElement(By.id("typing")).getText(), "his message came: he no longer types");
            pa.say("hi " + bob + "!");
            pb.awaitMessage("hi " + bob + "!");
            assertEquals(List.of("hello " + alice, "hi " + bob + "!"), pb.messages(), "same order for both");
            a.awaitText("#messages", "hi " + bob);
            assertEquals(pb.messages(), pa.messages());
            pb.type("and you?");
            a.awaitText("#typing", bob);
            a.screenshot("chat");

            pa.writeTo(bob).say("just between us");
            pa.awaitMessage("just between us");
            // bob sees a new conversation with an unread badge and the count in the tab's title, then the message
            b.visible("[data-testid='dm-" + alice + "'] .badge");
            b.await(d -> d.getTitle().equals("(1) Switchboard"));
            b.click("[data-testid='dm-" + alice + "']");
            pb.awaitMessage("just between us");
            b.screenshot("chat-direct");
        }
    }

    @Test
    void historyIsShownAfterAReload() {
        String carol = unique("carol");
        String room = unique("hist");
        try (Browser c = Browser.open()) {
            ChatPage page = new ChatPage(c).open().signIn(carol).join(room);
            for (int i = 1; i <= 3; i++) {
                page.say("note " + i);
                page.awaitMessage("note " + i);
            }
            c.driver().navigate().refresh();
            page.awaitConnected();
            c.click("[data-testid='room-" + room + "']");
            c.await(d -> page.messages().equals(List.of("note 1", "note 2", "note 3")));
        }
    }

    @Test
    void markupInAMessageIsShownAsText() {
        String mallory = unique("mallory");
        String dave = unique("dave");
        String room = unique("xss");
        String attack = "<img src=x onerror=alert(1)>";
        try (Browser m = Browser.open(); Browser d = Browser.open()) {
            ChatPage pm = new ChatPage(m).open().signIn(mallory).join(room);
            ChatPage pd = new ChatPage(d).open().signIn(dave).join(room);
            pm.say(attack);
            pd.awaitMessage(attack);
            assertTrue(d.all("#messages img").isEmpty(), "no element was made from the message");
            assertThrows(NoAlertPresentException.class, () -> d.driver().switchTo().alert());
        }
    }

    @Test
    void anImageAttachmentIsShownInlineToTheRoom() throws Exception {
        String gina = unique("gina");
        String hal = unique("hal");
        String room = unique("pics");
        java.nio.file.Path png = java.nio.file.Files.createTempFile("dot", ".png");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(16, 12, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xFF2456C7);
        javax.imageio.ImageIO.write(image, "png", png.toFile());
        try (Browser g = Browser.open(); Browser h = Browser.open()) {
            new ChatPage(g).open().signIn(gina).join(room);
            new ChatPage(h).open().signIn(hal).join(room);
            g.driver().findElement(By.id("attach")).sendKeys(png.toAbsolutePath().toString());
            String alt = png.getFileName().toString();
            for (Browser b : List.of(g, h)) { // the sender sees it too, decoded: a real image, not a broken one
                b.await(d -> ((Number) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                        "const i = document.querySelector('#messages img.attachment'); return i && i.complete ? i.naturalWidth : 0;"))
                        .intValue() == 16);
                assertEquals(List.of(alt), b.attributes("#messages img.attachment", "alt"));
            }
        } finally {
            java.nio.file.Files.deleteIfExists(png);
        }
    }

    @Test
    void thePageSpeaksChineseWhenTheBrowserDoes() {
        try (Browser zh = Browser.open("zh-CN")) {
            new ChatPage(zh).open();
            zh.awaitText("#signin-heading", "登录");
            zh.awaitText("#status", "离线");
            new Select(zh.visible("#lang")).selectByValue("en");
            zh.awaitText("#signin-heading", "Sign in");
        }
    }

    /**
     * 2,000 Chinese characters are 6,000 UTF-8 bytes, over the 4,096 the server takes: the text stays in the box, whole,
     * nothing is sent, and the reason is given in Chinese (no English error text on a Chinese page). Shortened, it goes.
     */
    @Test
    void anOverLongMessageIsKeptWithAReasonInTheReadersLanguage() {
        try (Browser zh = Browser.open("zh-CN")) {
            String room = unique("long");
            ChatPage page = new ChatPage(zh).open().signIn(unique("li")).join(room);
            String text = "长".repeat(2000);
            org.openqa.selenium.WebElement input = zh.visible("#composer-text");
            ((JavascriptExecutor) zh.driver()).executeScript("arguments[0].value = arguments[1]", input, text);
            input.sendKeys(org.openqa.selenium.Keys.ENTER);
            zh.await(d -> !d.findElement(By.id("notice")).getText().isEmpty());
            String reason = zh.driver().findElement(By.id("notice")).getText();
            assertTrue(reason.contains("6000") && reason.contains("4096"), reason);
            assertFalse(reason.matches(".*[A-Za-z]{3,}.*"), "no English on the Chinese page: " + reason);
            assertEquals(text, input.getAttribute("value"), "every character is still in the box");
            assertEquals(List.of(), page.messages(), "nothing was sent");
            ((JavascriptExecutor) zh.driver()).executeScript("arguments[0].value = arguments[1]", input, "短的");
            input.sendKeys(org.openqa.selenium.Keys.ENTER);
            page.awaitMessage("短的");
        }
    }

    /**
     * Offline, a message shows at once as "sending…" (in the list, not lost from sight); once the page is back online
     * the client resends it, and it shows as sent, stored once.
     */
    @Test
    void anOfflineMessageShowsAsSendingThenAsSentAfterTheReconnect() throws Exception {
        String room = unique("train");
        try (Browser b = Browser.open(); WsClient other = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token="
                + SessionApi.token(unique("seat"))))) {
            ChatPage page = new ChatPage(b).open().signIn(unique("rider")).join(room);
            other.expect("welcome");
            other.join(room);
            var cdp = b.driver;
            cdp.executeCdpCommand("Network.enable", java.util.Map.of());
            cdp.executeCdpCommand("Network.emulateNetworkConditions", java.util.Map.of("offline", true, "latency", 0,
                    "downloadThroughput", -1, "uploadThroughput", -1));
            cdp.executeScript("window.switchboard.ws.close()"); // an open socket outlives the emulation: drop it
            b.await(d -> !"open".equals(d.findElement(By.id("status")).getAttribute("data-state")));
            page.say("sent from a tunnel");
            b.await(d -> page.pending().equals(List.of("sent from a tunnel")));
            assertTrue(b.texts("#messages .message.pending .state").get(0).contains("sending"), "marked as sending");
            assertEquals("", b.visible("#composer-text").getAttribute("value"), "the box is free for the next one");

            cdp.executeCdpCommand("Network.emulateNetworkConditions", java.util.Map.of("offline", false, "latency", 0,
                    "downloadThroughput", -1, "uploadThroughput", -1));
            page.awaitConnected();
            page.awaitMessage("sent from a tunnel");
            b.await(d -> page.pending().isEmpty());
            assertEquals(List.of("sent from a tunnel"), page.messages());
            assertEquals("sent from a tunnel", other.until("message").getString("text"));
            for (jakarta.json.JsonObject extra; (extra = other.poll(300)) != null; ) {
                assertFalse("message".equals(extra.getString("type")), "stored and delivered once: " + extra);
            }
        }
    }

    /**
     * Names are checked as they are typed, in the page's language, and nothing typed is thrown away: a room name with a
     * space, one of 100 characters, and a direct message to a name nobody has used are refused before anything is sent.
     */
    @Test
    void badNamesAndUnknownPeopleAreRefusedBeforeSendingWithHintsInChinese() {
        try (Browser zh = Browser.open("zh-CN")) {
            ChatPage page = new ChatPage(zh).open().signIn(unique("wang"));
            zh.awaitText("#conversation-title", "#lobby");
            org.openqa.selenium.WebElement join = zh.visible("#join-room");
            join.sendKeys("two words", org.openqa.selenium.Keys.ENTER);
            zh.awaitText("#join-hint", "字母");
            assertEquals("two words", join.getAttribute("value"), "kept as typed");
            join.clear();
            String hundred = "r".repeat(100);
            join.sendKeys(hundred, org.openqa.selenium.Keys.ENTER);
            zh.awaitText("#join-hint", "100");
            assertEquals(hundred, join.getAttribute("value"), "not cut to 64");
            assertFalse(zh.texts("#join-hint").get(0).matches(".*[A-Za-z]{3,}.*"), "no English: " + zh.texts("#join-hint"));
            assertEquals(List.of("#lobby"), page.rooms(), "nothing joined");

            org.openqa.selenium.WebElement dm = zh.visible("#dm-user");
            dm.sendKeys("nobody_here", org.openqa.selenium.Keys.ENTER);
            zh.awaitText("#dm-hint", "nobody_here");
            assertTrue(zh.texts("#dm-hint").get(0).contains("没有"), zh.texts("#dm-hint").toString());
            assertEquals("nobody_here", dm.getAttribute("value"));
            assertEquals("#lobby", zh.driver().findElement(By.id("conversation-title")).getText(), "no conversation opened");
            assertTrue(zh.all("[data-testid='dm-nobody_here']").isEmpty(), "nothing added to the sidebar");
        }
    }

    /**
     * Everyday basics, on two devices of one user: multi-line text and a safe link, a date line and the full time on
     * hover, leaving a room, a reload that reopens the last conversation, and the rooms following the user to the
     * second browser (the server keeps them).
     */
    @Test
    void multiLineLinksLeavingAndRoomsThatFollowTheUserToASecondBrowser() {
        String user = unique("kim");
        String stay = unique("stay");
        String go = unique("go");
        try (Browser laptop = Browser.open(); Browser phone = Browser.open()) {
            ChatPage a = new ChatPage(laptop).open().signIn(user).join(go).join(stay);
            a.type("line one").type(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.SHIFT, org.openqa.selenium.Keys.ENTER))
                    .type("see https://example.com/a?b=1, then").type(String.valueOf(org.openqa.selenium.Keys.ENTER));
            String expected = "line one\nsee https://example.com/a?b=1, then";
            a.awaitMessage(expected);
            assertEquals(List.of("https://example.com/a?b=1"), laptop.attributes("#messages .message .text a", "href"));
            assertEquals(List.of("noopener noreferrer nofollow"), laptop.attributes("#messages .message .text a", "rel"));
            assertEquals(List.of("Today"), laptop.texts("#messages .day"));
            String hover = laptop.attributes("#messages .message time", "title").get(0);
            assertTrue(hover.contains(String.valueOf(java.time.Year.now().getValue())), "the full date on hover: " + hover);

            laptop.click("[data-testid='room-" + go + "']");
            laptop.awaitText("#conversation-title", "#" + go);
            laptop.click("#leave");
            laptop.await(d -> !a.rooms().contains("#" + go));
            laptop.awaitText("#conversation-title", "#lobby");
            laptop.click("[data-testid='room-" + stay + "']");
            laptop.driver().navigate().refresh();
            a.awaitConnected();
            laptop.awaitText("#conversation-title", "#" + stay); // the reload reopens where it was
            a.awaitMessage(expected);

            // the same user on a second device: the session cookie, as signing in there would give
            org.openqa.selenium.Cookie token = laptop.driver().manage().getCookieNamed("sb_token");
            ChatPage b = new ChatPage(phone).open();
            phone.driver().manage().addCookie(token);
            phone.driver().navigate().refresh();
            b.awaitConnected();
            phone.await(d -> b.rooms().equals(List.of("#lobby", "#" + stay)));
            phone.click("[data-testid='room-" + stay + "']");
            b.awaitMessage(expected);
        }
    }

    /**
     * Limits shown before they bite, and what is refused kept: a byte counter near the limit; a message the server
     * refuses goes back into the box with the reason; a "new" marker while reading further up.
     */
    @Test
    void aCounterNearTheLimitARefusedMessageBackInTheBoxAndANewMessagesMarker() throws Exception {
        String room = unique("limits");
        try (Browser b = Browser.open()) {
            ChatPage page = new ChatPage(b).open().signIn(unique("ivy")).join(room);
            org.openqa.selenium.WebElement box = b.visible("#composer-text");
            b.driver.executeScript("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))",
                    box, "é".repeat(1700)); // 3,400 bytes: over four fifths of 4,096
            b.awaitText("#composer-count", "3400 / 4096");
            b.driver.executeScript("arguments[0].value = ''; arguments[0].dispatchEvent(new Event('input'))", box);
            b.await(d -> !d.findElement(By.id("composer-count")).isDisplayed());

            // the server refuses (the connection left the room behind the page's back): the text comes back with the reason
            b.driver.executeScript("window.switchboard.leave(arguments[0])", room);
            page.say("refused, then kept");
            b.awaitText("#notice", "Join the room");
            b.await(d -> "refused, then kept".equals(box.getAttribute("value")));
            assertEquals(List.of(), page.pending(), "no longer shown as sending");
            b.driver.executeScript("window.switchboard.join(arguments[0])", room);
            box.sendKeys(org.openqa.selenium.Keys.ENTER);
            page.awaitMessage("refused, then kept");
            assertEquals("", box.getAttribute("value"));

            // reading further up: a message from someone else shows a marker instead of moving the list
            try (WsClient other = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(unique("jo"))))) {
                other.expect("welcome");
                other.join(room);
                for (int i = 0; i < 30; i++) { // enough to scroll
                    other.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"line " + i + "\",\"id\":\"l" + i + "\"}");
                }
                page.awaitMessage("line 29");
                b.driver.executeScript("document.getElementById('messages').scrollTop = 0");
                other.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"down here\",\"id\":\"d1\"}");
                page.awaitMessage("down here");
            }
            b.awaitText("#jump", "1");
            assertEquals(0L, ((Number) b.driver.executeScript("return document.getElementById('messages').scrollTop")).longValue(),
                    "the list stayed where the reader was");
            b.click("#jump");
            b.await(d -> !d.findElement(By.id("jump")).isDisplayed());
        }
    }

    /** Every error code the server can send has a text in every language of the page. */
    @Test
    void everyErrorCodeHasATranslationInBothLanguages() {
        try (Browser b = Browser.open()) {
            new ChatPage(b).open();
            List<String> codes = java.util.Arrays.stream(dev.switchboard.protocol.ErrorCode.values())
                    .map(dev.switchboard.protocol.ErrorCode::wire).toList();
            @SuppressWarnings("unchecked")
            List<String> missing = (List<String>) b.driver.executeAsyncScript("""
                    const [codes, done] = arguments;
                    import('./js/i18n.js').then(({ STRINGS }) => done(Object.entries(STRINGS)
                        .flatMap(([lang, strings]) => codes.filter((c) => !strings['error.' + c]).map((c) => lang + ': ' + c))));
                    """, codes);
            assertEquals(List.of(), missing);
        }
    }
}
