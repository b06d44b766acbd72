package dev.switchboard.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.SessionApi;
import dev.switchboard.it.cluster.ClusterNode.Kind;
import dev.switchboard.it.pages.Browser;
import dev.switchboard.it.pages.ChatPage;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;

/**
 * The chat page (headless Chromium) behind a load balancer (a {@link RoundRobinProxy} in front of a WildFly and a
 * Payara Micro node): the node its WebSocket is on is stopped gracefully and started again while another user keeps
 * talking, first through the other node, then through the restarted one. The page reconnects through the proxy
 * (which skips the refusing node), resumes where it was, keeps sending, and shows every message once, in order.
 * <p>
 * The page's origin is the proxy's ({@code http://127.0.0.1:<proxy port>}), not in the ITs' allow-list: it is
 * accepted as the page's own origin because the proxy forwards the {@code Host} header unchanged.
 */
class LoadBalancerPageIT {

    /** Reconnecting: the page's backoff starts at 0.25-0.5 s and doubles while only the stopped node answers. */
    private static final Duration BACK = Duration.ofSeconds(60);
    /** The first request line of the page's WebSocket (its own connection), as the proxy sees it. */
    private static final String PAGE_SOCKET = "GET /switchboard/ws/chat";

    @Test
    void thePageKeepsWorkingWhileItsNodeIsStoppedAndRestartedAndShowsEveryMessageOnce() throws Exception {
        List<ClusterNode> nodes = ClusterNodes.ready(ClusterNodes.node(Kind.WILDFLY, "wf-a"), ClusterNodes.node(Kind.PAYARA, "py-a"));
        String guest = SessionApi.unique("gina");
        String sam = SessionApi.unique("sam");
        String room = SessionApi.unique("lb");
        List<String> sent = new ArrayList<>(); // in the order the room stored them
        try (RoundRobinProxy proxy = RoundRobinProxy.of(0, nodes); Browser browser = Browser.open()) {
            ChatPage page = new ChatPage(browser).open(proxy.http("/")).signIn(guest).join(room);
            int pageBackend = browser.await(d -> onlyPageSocket(proxy));
            ClusterNode stopped = nodes.get(pageBackend); // the page's node: its WebSocket must move
            ClusterNode survivor = nodes.get(1 - pageBackend);
            System.out.println("load balancer: the page's WebSocket is on " + stopped + "; stopping it");
            String samToken = ClusterIT.token(survivor, sam);

            try (WsClient onSurvivor = ClusterIT.chat(survivor, sam, samToken)) {
                onSurvivor.join(room);
                for (int i = 1; i <= 3; i++) { // across nodes: the page is on the other one
                    say(onSurvivor, room, "before " + i, sent);
                }
                page.awaitMessage("before 3");

                stopped.stop(); // graceful; returns when the JVM is gone
                say(onSurvivor, room, "while stopped 1", sent); // the page may or may not be back yet
                browser.await(d -> Integer.valueOf(1 - pageBackend).equals(onlyPageSocket(proxy)), BACK); // via the proxy, on the survivor
                page.awaitConnected();
                say(onSurvivor, room, "while stopped 2", sent);
                page.awaitMessage("while stopped 2");
                page.say("page while stopped");
                sent.add("page while stopped");
                page.awaitMessage("page while stopped");
                untilMessage(onSurvivor, "page while stopped");

                stopped.restart(); // not running: just starts
                stopped.awaitReady(ClusterNodes.START_TIMEOUT);
                try (WsClient onRestarted = ClusterIT.chat(stopped, sam, samToken)) { // Sam's second device
                    onRestarted.join(room);
                    for (int i = 1; i <= 3; i++) { // from the restarted node to the page on the survivor
                        say(onRestarted, room, "after restart " + i, sent);
                    }
                    page.awaitMessage("after restart 3");
                }
                page.say("page after restart");
                sent.add("page after restart");
                page.awaitMessage("page after restart");
                untilMessage(onSurvivor, "page after restart");
            }

            browser.await(d -> page.timeline().size() >= sent.size());
            String where = " (nodes: " + nodes + ", proxy connections per node " + Arrays.toString(proxy.connections())
                    + "; logs " + nodes.get(0).log() + ", " + nodes.get(1).log() + ")";
            assertEquals(sent, page.timeline(), "every message once, in order, and no gap notice" + where);
            assertEquals(IntStream.rangeClosed(1, sent.size()).mapToObj(String::valueOf).toList(), seqs(browser),
                    "the room's seqs, without gaps" + where);
            assertEquals("open", browser.driver().findElement(By.id("status")).getAttribute("data-state"));
        }
        for (ClusterNode n : nodes) {
            assertTrue(n.isAlive(), n + " runs on for the other cluster ITs");
        }
    }

    /** Sends {@code text} as Sam and waits for its ack, so the room stores it after everything sent before. */
    private static void say(WsClient c, String room, String text, List<String> sent) {
        String id = "m" + sent.size();
        ClusterIT.send(c, room, text, id);
        JsonObject ack = c.until("ack");
        assertEquals(id, ack.getString("id"), ack.toString());
        sent.add(text);
    }

    /** Skips the room's messages up to the one with this text (fails when none comes within WsClient's timeout). */
    private static void untilMessage(WsClient c, String text) {
        while (!text.equals(c.until("message").getString("text"))) {
            // an earlier message (the client's own included)
        }
    }

    /** The backend of the page's one open WebSocket, or null while it has none (or, for a moment, two). */
    private static Integer onlyPageSocket(RoundRobinProxy proxy) {
        List<Integer> sockets = proxy.openBackends(PAGE_SOCKET);
        return sockets.size() == 1 ? sockets.get(0) : null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> seqs(Browser browser) {
        return (List<String>) ((JavascriptExecutor) browser.driver()).executeScript(
                "return [...document.querySelectorAll('#messages .message')].map(e => e.dataset.seq);");
    }
}
