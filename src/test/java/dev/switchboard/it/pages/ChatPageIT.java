package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
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
            // bob sees a new conversation with an unread badge, then the message
            b.visible("[data-testid='dm-" + alice + "'] .badge");
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
}
