package dev.switchboard.it.pages;

import dev.switchboard.it.Deployments;
import java.util.List;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** What a person does on the chat page, in test form. */
final class ChatPage {

    final Browser browser;

    ChatPage(Browser browser) {
        this.browser = browser;
    }

    ChatPage open() {
        browser.driver().get(Deployments.http("/").toString());
        return this;
    }

    ChatPage signIn(String name) {
        browser.visible("#name").sendKeys(name);
        browser.click("#signin-form button[type=submit]");
        awaitConnected();
        return this;
    }

    void awaitConnected() {
        browser.awaitAttribute("#status", "data-state", "open");
    }

    ChatPage join(String room) {
        WebElement input = browser.visible("#join-room");
        input.sendKeys(room, Keys.ENTER);
        browser.awaitText("#conversation-title", "#" + room);
        return this;
    }

    ChatPage say(String text) {
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
        browser.visible("#dm-user").sendKeys(user, Keys.ENTER);
        browser.awaitText("#conversation-title", "@" + user);
        return this;
    }

    void awaitMessage(String text) {
        browser.await(d -> messages().contains(text));
    }

    List<String> messages() {
        return browser.texts("#messages .message .text");
    }

    List<String> members() {
        return browser.texts("#members li");
    }
}
