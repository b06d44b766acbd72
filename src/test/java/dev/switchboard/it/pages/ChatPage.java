package dev.switchboard.it.pages;

import dev.switchboard.it.Deployments;
import java.net.URI;
import java.util.List;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** What a person does on the chat page, in test form. */
public final class ChatPage {

    final Browser browser;

    public ChatPage(Browser browser) {
        this.browser = browser;
    }

    ChatPage open() {
        return open(Deployments.http("/"));
    }

    /** The page at {@code url}: another server than the IT server's (RestartIT's). */
    public ChatPage open(URI url) {
        browser.driver().get(url.toString());
        return this;
    }

    public ChatPage signIn(String name) {
        browser.visible("#name").sendKeys(name);
        browser.click("#signin-form button[type=submit]");
        awaitConnected();
        return this;
    }

    /** Fills the box and presses Enter (text set directly: no per-key events, for long or multi-line text). */
    ChatPage sayTyped(String text) {
        WebElement input = browser.visible("#composer-text");
        browser.driver.executeScript("arguments[0].value = arguments[1]", input, text);
        input.sendKeys(Keys.ENTER);
        return this;
    }

    public void awaitConnected() {
        browser.awaitAttribute("#status", "data-state", "open");
    }

    /** At phone width the sidebar is a drawer: opened first, as a person would. */
    private void showSidebar() {
        if (browser.driver().findElement(org.openqa.selenium.By.id("drawer-toggle")).isDisplayed()
                && !browser.driver().findElement(org.openqa.selenium.By.id("sidebar")).isDisplayed()) {
            browser.click("#drawer-toggle");
        }
    }

    public ChatPage join(String room) {
        showSidebar();
        WebElement input = browser.visible("#join-room");
        input.sendKeys(room, Keys.ENTER);
        browser.awaitText("#conversation-title", "#" + room);
        return this;
    }

    public ChatPage say(String text) {
        WebElement input = browser.visible("#composer-text");
        input.clear();
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
        return this;
    }

    /** Typing without sending: the page tells the room once every two seconds at most. */
    ChatPage type(String text) {
        browser.visible("#composer-text").sendKeys(text);
        return this;
    }

    ChatPage writeTo(String user) {
        showSidebar();
        browser.visible("#dm-user").sendKeys(user, Keys.ENTER);
        browser.awaitText("#conversation-title", "@" + user);
        return this;
    }

    public void awaitMessage(String text) {
        browser.await(d -> messages().contains(text));
    }

    /** The messages the server has stored, as shown (pending ones, not yet back from the server, left out). */
    public List<String> messages() {
        return browser.texts("#messages .message:not(.pending) .text");
    }

    /** Messages sent here and not yet back from the server: their text. */
    List<String> pending() {
        return browser.texts("#messages .message.pending .text");
    }

    /** The rooms in the sidebar, as shown ("#lobby"). */
    List<String> rooms() {
        return browser.texts("#rooms .conv > span:first-child");
    }

    /** The open conversation top to bottom: each message's text, and each gap notice's. */
    public List<String> timeline() {
        return browser.texts("#messages .message .text, #messages .gap");
    }

    public List<String> gapNotices() {
        return browser.texts("#messages .gap");
    }

    List<String> members() {
        return browser.texts("#members li");
    }
}
