package dev.switchboard.it.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import dev.switchboard.it.SessionApi;
import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Rooms with owners on the chat page, in real headless Chromium against the app in WildFly: private rooms and
 * invitations, roles and moderation, edits and deletes, unread badges kept by the server, attachments from history
 * and the room directory.
 */
@ExtendWith(ArquillianExtension.class)
class RoomsPageIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Creates a room from the sidebar, private when asked (the checkbox), and waits until it is open. */
    static void create(Browser b, String room, boolean isPrivate) {
        WebElement box = b.driver().findElement(By.id("join-private"));
        if (box.isSelected() != isPrivate) {
            box.click();
        }
        if (isPrivate) {
            b.awaitText("#join-form button[type=submit]", "Create");
        }
        b.visible("#join-room").sendKeys(room, Keys.ENTER);
        b.awaitText("#conversation-title", "#" + room);
    }

    /** The button {@code css} of the stored message whose text is {@code text}, once it is there. */
    static WebElement onMessage(Browser b, String text, String css) {
        return b.await(d -> (WebElement) ((JavascriptExecutor) d).executeScript("""
                const li = [...document.querySelectorAll('#messages li.message:not(.pending)')]
                    .find((l) => l.querySelector('.text')?.innerText === arguments[0]);
                return li ? li.querySelector(arguments[1]) : null;
                """, text, css));
    }

    /**
     * Clicks {@code css} in a drawer once it can be clicked: a drawer slides in (a short transition), and a click at
     * its very start finds the button still off screen.
     */
    static void clickInDrawer(Browser b, String css) {
        b.await(d -> {
            try {
                d.findElement(By.cssSelector(css)).click();
                return true;
            } catch (ElementNotInteractableException e) { // an intercepted click is one too
                return null; // not there yet: tried again
            }
        });
    }

    /** The page signed in on a second browser as the same user (the session cookie, as signing in there gives). */
    static ChatPage secondDevice(Browser first, Browser second) {
        Cookie token = first.driver().manage().getCookieNamed("sb_token");
        ChatPage page = new ChatPage(second).open();
        second.driver().manage().addCookie(token);
        second.driver().navigate().refresh();
        page.awaitConnected();
        return page;
    }

    static WsClient writer(String name) throws Exception {
        WsClient c = WsClient.connect(URI.create(Deployments.ws("/ws/chat") + "?token=" + SessionApi.token(name)));
        c.expect("welcome");
        return c;
    }

    /**
     * Alice creates a private room: Bob cannot join it by name (refused, with the reason, and it leaves his sidebar),
     * then Alice invites him, he sees the invitation and accepts: the room opens, they chat, and she sets its title and
     * topic and makes him a moderator, which his page shows (his badge, the invite field).
     */
    @Test
    void aPrivateRoomAnInvitationAcceptedAndAChat() {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = unique("design");
        try (Browser a = Browser.open(); Browser b = Browser.open()) {
            ChatPage pa = new ChatPage(a).open().signIn(alice);
            ChatPage pb = new ChatPage(b).open().signIn(bob);
            create(a, room, true);
            a.visible("#room-private");
            a.visible("[data-testid='room-" + room + "'] .lock");
            a.visible("#invite-form");
            assertEquals(List.of(alice + "(you)owner"), a.texts("#members li").stream().map(s -> s.replaceAll("\\s", "")).toList());

            // bob cannot walk in: the room is private
            b.visible("#join-room").sendKeys(room, Keys.ENTER);
            b.awaitText("#notice", room + " is private");
            b.await(d -> !pb.rooms().contains("#" + room));
            assertFalse(b.driver().findElement(By.id("conversation-title")).getText().contains(room));

            a.visible("#invite-user").sendKeys(bob, Keys.ENTER);
            a.awaitText("#invite-hint", bob + " is invited");
            b.visible("[data-testid='invite-" + room + "']");
            assertTrue(b.texts("[data-testid='invite-" + room + "']").get(0).contains("from " + alice));
            b.screenshot("rooms-invitation");
            b.click("[data-testid='invite-" + room + "'] button.accept");
            b.awaitText("#conversation-title", "#" + room);
            b.await(d -> b.all("#invites-section").get(0).getAttribute("hidden") != null);
            b.visible("#room-private");
            b.await(d -> b.texts("[data-testid='member-" + alice + "'] .role-badge").equals(List.of("owner")));
            assertTrue(b.all("#invite-form").get(0).getAttribute("hidden") != null, "a member does not invite");
            assertTrue(b.all("[data-testid='member-" + alice + "'] .member-menu").isEmpty(), "a member moderates nobody");

            pb.say("thanks for the invite");
            pa.awaitMessage("thanks for the invite");
            pa.say("welcome, " + bob);
            pb.awaitMessage("welcome, " + bob);

            // the title and topic, set by the owner, in everyone's header and as a line of the conversation
            a.click("#edit-about");
            a.visible("#about-title").sendKeys("Design reviews");
            a.visible("#about-topic").sendKeys("Thursdays at ten");
            a.click("#about-form button[type=submit]");
            b.awaitText("#room-title", "Design reviews");
            b.awaitText("#room-topic", "Thursdays at ten");
            b.awaitText("#messages .system", alice + " set the title to “Design reviews” and the topic to “Thursdays at ten”");
            assertTrue(b.all("#edit-about").get(0).getAttribute("hidden") != null, "a member does not edit the title");

            // the owner makes bob a moderator: his page shows his badge and the invite field
            a.click("[data-testid='member-" + bob + "'] .member-menu");
            a.visible("[data-testid='member-" + bob + "'] .member-actions");
            a.screenshot("rooms-private");
            a.click("[data-testid='member-" + bob + "'] [data-action='promote']");
            b.await(d -> b.texts("[data-testid='member-" + bob + "'] .role-badge").equals(List.of("moderator")));
            b.visible("#invite-form");
            b.visible("#edit-about");
            b.awaitText("#messages", alice + " made " + bob + " a moderator");
            assertTrue(b.all("[data-testid='member-" + alice + "'] .member-menu").isEmpty(), "nobody acts on the owner");

            // on a phone the people are a drawer: the owner's actions fit its width
            a.driver().manage().window().setSize(new Dimension(390, 844));
            a.click("#people-toggle");
            clickInDrawer(a, "[data-testid='member-" + bob + "'] .member-menu");
            a.visible("[data-testid='member-" + bob + "'] [data-action='demote']");
            long width = ((Number) ((JavascriptExecutor) a.driver()).executeScript(
                    "return document.getElementById('members-panel').scrollWidth - document.getElementById('members-panel').clientWidth"))
                    .longValue();
            assertEquals(0, width, "nothing in the people drawer scrolls sideways");
            a.screenshot("rooms-people-phone");
        }
    }

    /**
     * An invitation that came while Carol was away is in her sidebar when she comes back (the server's welcome lists
     * it); she declines it, and it stays gone after a reload. A second one, live, she accepts.
     */
    @Test
    void anInvitationFromWhileAwayIsDeclinedAndALiveOneAccepted() throws Exception {
        String carol = unique("carol");
        String alice = unique("alice");
        String room = unique("board");
        String invite = "[data-testid='invite-" + room + "']";
        try (Browser c = Browser.open(); WsClient a = writer(alice)) {
            ChatPage page = new ChatPage(c).open().signIn(carol);
            c.driver().get("about:blank"); // away: no page of hers is connected
            a.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"private\":true}");
            a.expect("joined");
            a.send("{\"type\":\"invite\",\"room\":\"" + room + "\",\"user\":\"" + carol + "\",\"id\":\"i-1\"}");
            assertEquals("i-1", a.until("ack").getString("id"));

            page.open();
            page.awaitConnected();
            c.visible(invite);
            assertTrue(c.texts(invite).get(0).contains("from " + alice), c.texts(invite).toString());
            c.click(invite + " button.decline");
            c.await(d -> c.all(invite).isEmpty());
            assertTrue(c.all("#invites-section").get(0).getAttribute("hidden") != null, "no invitations left: the heading goes too");
            c.driver().navigate().refresh();
            page.awaitConnected();
            c.await(d -> joined(c, "lobby"));
            assertTrue(c.all(invite).isEmpty(), "declined on the server: not offered again");
            assertFalse(page.rooms().contains("#" + room));

            a.send("{\"type\":\"invite\",\"room\":\"" + room + "\",\"user\":\"" + carol + "\",\"id\":\"i-2\"}");
            assertEquals("i-2", a.until("ack").getString("id"));
            c.click(invite + " button.accept");
            c.awaitText("#conversation-title", "#" + room);
            assertEquals(carol, a.until("presence").getString("user"), "she joined");
        }
    }

    /**
     * The owner mutes Bob (what he writes comes back into his box with the reason), unmutes him, then removes him
     * (with a reason): his page drops the room and says who removed him (in Chinese, his
     * page's language, and in English once he switches), hers shows "… removed bob (off topic)". He joins the public
     * room again; she bans him: he is told, cannot rejoin, and a reload does not bring it back. The ban is lifted from
     * its line in the conversation.
     */
    @Test
    void aKickAndABanWithWhatEachPageShows() {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = unique("team");
        try (Browser a = Browser.open(); Browser b = Browser.open("zh-CN")) {
            ChatPage pa = new ChatPage(a).open().signIn(alice);
            create(a, room, false);
            ChatPage pb = new ChatPage(b).open().signIn(bob).join(room);
            a.await(d -> pa.members().stream().anyMatch(m -> m.startsWith(bob)));

            // muted, bob reads but what he writes comes back into his box with the reason
            a.click("[data-testid='member-" + bob + "'] .member-menu");
            a.click("[data-testid='member-" + bob + "'] [data-action='mute']");
            a.awaitText("#messages .system", alice + " muted " + bob + " for 10 min");
            b.awaitText("#messages .system", alice + " 将 " + bob + " 禁言 10 分钟");
            pb.say("still here?");
            b.awaitText("#notice", "你在本聊天室被禁言");
            b.await(d -> "still here?".equals(d.findElement(By.id("composer-text")).getAttribute("value")));
            assertEquals(List.of(), pb.messages());
            a.click("[data-testid='member-" + bob + "'] .member-menu");
            a.click("[data-testid='member-" + bob + "'] [data-action='unmute']");
            a.awaitText("#messages", alice + " unmuted " + bob);
            b.awaitText("#messages", alice + " 解除了 " + bob + " 的禁言");
            b.visible("#composer-text").sendKeys(Keys.ENTER); // unmuted, what he kept goes
            pa.awaitMessage("still here?");

            a.click("[data-testid='member-" + bob + "'] .member-menu");
            WebElement reason = a.visible("[data-testid='member-" + bob + "'] .reason");
            assertEquals(reason, a.driver().switchTo().activeElement(), "opening the actions moves the focus into them");
            reason.sendKeys("off topic");
            a.screenshot("rooms-member-actions");
            a.click("[data-testid='member-" + bob + "'] [data-action='kick']");

            b.awaitText("#notice", alice + " 将你移出了 #" + room);
            b.await(d -> !pb.rooms().contains("#" + room));
            a.awaitText("#messages", alice + " removed " + bob + " (off topic)");
            a.await(d -> pa.members().stream().noneMatch(m -> m.startsWith(bob)));

            // a public room may be joined again after a kick, not after a ban
            pb.join(room);
            a.await(d -> pa.members().stream().anyMatch(m -> m.startsWith(bob)));
            a.click("[data-testid='member-" + bob + "'] .member-menu");
            a.visible("[data-testid='member-" + bob + "'] .reason").sendKeys("spam");
            a.click("[data-testid='member-" + bob + "'] [data-action='ban']");
            b.awaitText("#notice", alice + " 禁止你进入 #" + room);
            b.await(d -> !pb.rooms().contains("#" + room));
            a.awaitText("#messages", alice + " banned " + bob + " (spam)");
            // the notice follows a change of language
            new Select(b.visible("#lang")).selectByValue("en");
            b.awaitText("#notice", alice + " banned you from #" + room);
            b.screenshot("rooms-removed");
            a.screenshot("rooms-moderation");
            new Select(b.visible("#lang")).selectByValue("zh-CN");
            b.awaitText("#notice", alice + " 禁止你进入 #" + room);

            b.visible("#join-room").sendKeys(room, Keys.ENTER);
            b.awaitText("#notice", "你已被禁止进入 #" + room);
            b.await(d -> !pb.rooms().contains("#" + room));
            b.driver().navigate().refresh();
            pb.awaitConnected();
            b.await(d -> pb.rooms().contains("#lobby"));
            assertFalse(pb.rooms().contains("#" + room), "the server does not give the room back: " + pb.rooms());

            // the ban's line offers its lifting to the owner; then bob may come back
            a.click("#messages .system .unban");
            a.awaitText("#messages", alice + " lifted the ban on " + bob);
            pb.join(room);
            a.await(d -> pa.members().stream().anyMatch(m -> m.startsWith(bob)));
        }
    }

    /**
     * Bob edits his message and the owner deletes another of his: both pages show the new text with "(edited)" and
     * the tombstone at once, and again after a reload (from the replayed edit and delete events). A member gets no
     * delete button on others' messages.
     */
    @Test
    void editsAndDeletesLiveAndAfterAReload() {
        String alice = unique("alice");
        String bob = unique("bob");
        String room = unique("notes");
        try (Browser a = Browser.open(); Browser b = Browser.open()) {
            ChatPage pa = new ChatPage(a).open().signIn(alice);
            create(a, room, false);
            ChatPage pb = new ChatPage(b).open().signIn(bob).join(room);
            pb.say("teh plan");
            pb.awaitMessage("teh plan");
            pb.say("oops, wrong room");
            pa.awaitMessage("oops, wrong room");
            pa.say("alice was here");
            pb.awaitMessage("alice was here");
            assertTrue(b.all("#messages li.message:not(.mine) .delete").isEmpty(), "a member deletes only their own");
            assertTrue(a.all("#messages li.message:not(.mine) .edit").isEmpty(), "nobody edits another's message");

            onMessage(b, "teh plan", ".edit").click();
            WebElement box = b.visible("#messages .edit-form textarea");
            assertEquals(box, b.driver().switchTo().activeElement(), "the edit box has the focus");
            assertEquals("teh plan", box.getAttribute("value"));
            box.clear();
            box.sendKeys("the plan", Keys.ENTER);
            pa.awaitMessage("the plan");
            pb.awaitMessage("the plan");

            onMessage(a, "oops, wrong room", ".delete").click(); // the owner deletes anyone's
            a.click("#messages .confirm-delete");
            for (Browser x : List.of(a, b)) {
                x.await(d -> x.texts("#messages .message.deleted .tombstone").equals(List.of("message deleted")));
            }
            ((JavascriptExecutor) a.driver()).executeScript("document.querySelector('#messages li.message.mine').focus()");
            a.screenshot("rooms-edit-delete"); // one message's actions shown, as a hover, a tap or the keyboard shows them
            List<String> expected = List.of("the plan", "alice was here");
            assertEquals(expected, pa.messages());
            assertEquals(expected, pb.messages());

            for (Browser x : List.of(a, b)) {
                ChatPage p = x == a ? pa : pb;
                x.driver().navigate().refresh();
                p.awaitConnected();
                x.awaitText("#conversation-title", "#" + room);
                x.await(d -> p.messages().equals(expected) && x.texts("#messages .message.deleted .tombstone").size() == 1);
                assertEquals(List.of("(edited)"), x.texts("#messages .message .edited"));
                assertEquals(List.of(bob), x.texts("#messages .message.deleted .from"));
            }
        }
    }

    /**
     * Unread counts come from the server's read markers: a second browser of the same user shows the same badge, keeps
     * it over a reload, and loses it when the first browser reads the room (and after another reload).
     */
    @Test
    void unreadBadgesAgreeOnASecondBrowserOfTheSameUser() throws Exception {
        String user = unique("una");
        String room = unique("news");
        String badge = "[data-testid='room-" + room + "'] .badge";
        try (Browser laptop = Browser.open(); Browser phone = Browser.open()) {
            ChatPage a = new ChatPage(laptop).open().signIn(user);
            create(laptop, room, false);
            laptop.click("[data-testid='room-lobby']");
            laptop.awaitText("#conversation-title", "#lobby");
            ChatPage b = secondDevice(laptop, phone);
            phone.await(d -> b.rooms().contains("#" + room));
            phone.click("[data-testid='room-lobby']");
            phone.awaitText("#conversation-title", "#lobby");
            phone.await(d -> joined(phone, room));

            try (WsClient other = writer(unique("wes"))) {
                other.join(room);
                for (int i = 1; i <= 3; i++) {
                    other.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"news " + i + "\",\"id\":\"n" + i + "\"}");
                    other.until("ack");
                }
            }
            laptop.awaitText(badge, "3");
            phone.awaitText(badge, "3");

            phone.driver().navigate().refresh(); // the count is the server's: it survives a reload
            b.awaitConnected();
            phone.awaitText("#conversation-title", "#lobby");
            phone.awaitText(badge, "3");
            phone.screenshot("rooms-unread");

            laptop.click("[data-testid='room-" + room + "']"); // read on the laptop: the phone's badge goes
            a.awaitMessage("news 3");
            phone.await(d -> phone.all(badge).isEmpty());
            assertTrue(laptop.all(badge).isEmpty());

            phone.driver().navigate().refresh();
            b.awaitConnected();
            phone.await(d -> joined(phone, room));
            assertTrue(phone.all(badge).isEmpty(), "read on the other device: no badge after a reload either");
            assertEquals("Switchboard", phone.driver().getTitle());
        }
    }

    /** The page's client has the room's joined frame (its read marker): what it shows of the room is the server's. */
    static boolean joined(Browser b, String room) {
        return Boolean.TRUE.equals(((JavascriptExecutor) b.driver()).executeScript(
                "return window.switchboard && window.switchboard.readMark(arguments[0]) !== null", room));
    }

    /** An image and a text file, sent live, are shown again from history after a reload and to someone who joins later. */
    @Test
    void attachmentsAreShownFromHistoryAfterAReload() throws Exception {
        String gina = unique("gina");
        String room = unique("pics");
        Path png = Files.createTempFile("dot", ".png");
        Path txt = Files.createTempFile("notes", ".txt");
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(16, 12, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(3, 3, 0xFF2456C7);
        javax.imageio.ImageIO.write(image, "png", png.toFile());
        Files.writeString(txt, "meeting notes");
        String imageWidth = "const i = document.querySelector('#messages img.attachment'); return i && i.complete ? i.naturalWidth : 0;";
        try (Browser g = Browser.open(); Browser h = Browser.open()) {
            ChatPage pg = new ChatPage(g).open().signIn(gina).join(room);
            g.driver().findElement(By.id("attach")).sendKeys(png.toAbsolutePath().toString());
            g.await(d -> ((Number) ((JavascriptExecutor) d).executeScript(imageWidth)).intValue() == 16);
            g.driver().findElement(By.id("attach")).sendKeys(txt.toAbsolutePath().toString());
            g.visible("#messages a.attachment");

            g.driver().navigate().refresh();
            pg.awaitConnected();
            g.awaitText("#conversation-title", "#" + room);
            new ChatPage(h).open().signIn(unique("hal")).join(room);
            for (Browser x : List.of(g, h)) {
                x.await(d -> ((Number) ((JavascriptExecutor) d).executeScript(imageWidth)).intValue() == 16);
                assertEquals(List.of(png.getFileName().toString()), x.attributes("#messages img.attachment", "alt"));
                assertTrue(x.attributes("#messages img.attachment", "src").get(0).startsWith("api/files/"),
                        "from history, by the server's URL: " + x.attributes("#messages img.attachment", "src"));
                x.awaitText("#messages a.attachment", "Download " + txt.getFileName());
                String href = x.attributes("#messages a.attachment", "href").get(0);
                assertTrue(href.startsWith("api/files/"), href);
                String body = (String) ((JavascriptExecutor) x.driver()).executeAsyncScript(
                        "const done = arguments[1]; fetch(arguments[0]).then((r) => r.text()).then(done, (e) => done(String(e)));", href);
                assertEquals("meeting notes", body, "the link serves the file to a member");
            }
        } finally {
            Files.deleteIfExists(png);
            Files.deleteIfExists(txt);
        }
    }

    /**
     * "Browse rooms" lists public rooms from GET api/rooms with their title, and no private room; on a phone (390 px)
     * Bob opens it from the drawer and joins a room with its button.
     */
    @Test
    void theDirectoryListsAPublicRoomAndNotAPrivateOne() {
        String alice = unique("alice");
        String open = unique("open");
        String secret = unique("secret");
        try (Browser a = Browser.open(); Browser b = Browser.open()) {
            ChatPage pa = new ChatPage(a).open().signIn(alice);
            create(a, secret, true);
            pa.say("hidden");
            pa.awaitMessage("hidden");
            create(a, open, false);
            pa.say("come in");
            pa.awaitMessage("come in");
            a.click("#edit-about");
            a.visible("#about-title").sendKeys("Open house");
            a.click("#about-form button[type=submit]");
            a.awaitText("#room-title", "Open house");

            a.click("#browse");
            a.visible("[data-testid='directory-" + open + "']");
            assertTrue(a.texts("[data-testid='directory-" + open + "']").get(0).contains("Open house"));
            assertTrue(a.all("[data-testid='directory-" + secret + "']").isEmpty(), "a private room is not listed");
            assertEquals("Open", a.texts("[data-testid='directory-" + open + "'] button").get(0), "joined already: open it");
            a.screenshot("rooms-directory");
            a.click("#directory-close");
            a.await(d -> !d.findElement(By.id("directory")).isDisplayed());

            b.driver().manage().window().setSize(new Dimension(390, 844));
            ChatPage pb = new ChatPage(b).open().signIn(unique("bob"));
            b.click("#drawer-toggle");
            clickInDrawer(b, "#browse");
            b.visible("[data-testid='directory-" + open + "']");
            assertTrue(b.all("[data-testid='directory-" + secret + "']").isEmpty());
            long width = ((Number) ((JavascriptExecutor) b.driver()).executeScript("return document.scrollingElement.scrollWidth")).longValue();
            assertTrue(width <= 390, "no sideways scrolling: " + width);
            b.screenshot("rooms-directory-phone");
            b.click("[data-testid='directory-" + open + "'] button");
            b.awaitText("#conversation-title", "#" + open);
            pb.awaitMessage("come in");
            b.awaitText("#room-title", "Open house");
        }
    }
}
