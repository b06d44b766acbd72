package dev.switchboard.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.SqlHistoryStore;
import dev.switchboard.delivery.StoredMessage;
import dev.switchboard.testing.TestServer;
import dev.switchboard.testing.WsClient;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood far above what the store takes: the store's writer is held (a store that cannot keep up at all), ten senders
 * flood one room, and a neighbour writes in a quiet one. The backlog stays within its bound, the surplus is refused
 * with {@code overloaded} (never silently), the neighbour is served, and once the store catches up every acknowledged
 * message is in history and nothing else is. Counts, not timing.
 */
class OverloadTest {

    private static final int SENDERS = 10;
    private static final int EACH = 60;
    private static final int BACKLOG = 50;
    private static final int WAITING = 8;

    @TempDir
    Path dir;

    @Test
    void aFloodIsPushedBackWithinTheBoundAndNothingAcknowledgedIsLost() {
        ConcurrentLinkedQueue<Runnable> writer = new ConcurrentLinkedQueue<>(); // the store's writer task, once held
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ExecutorService free = java.util.concurrent.Executors.newSingleThreadExecutor();
        SqlHistoryStore store = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""),
                task -> {
                    if (hold.get()) {
                        writer.add(task);
                    } else {
                        free.execute(task); // before the flood: a store that keeps up
                    }
                }, 10_000);
        Settings settings = Settings.of(Map.of(Settings.RATE, "100000", Settings.RATE_BURST, "100000",
                Settings.HISTORY_BACKLOG, String.valueOf(BACKLOG), Settings.WAITING_PER_CONNECTION, String.valueOf(WAITING)));
        try (TestServer server = TestServer.start(settings, store, ChatEndpoint.class)) {
            List<WsClient> flood = new ArrayList<>();
            for (int i = 0; i < SENDERS; i++) {
                WsClient c = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "flood" + i));
                c.join("busy");
                flood.add(c);
            }
            WsClient neighbour = WsClient.welcomed(server.uri(ChatEndpoint.PATH, "quiet"));
            neighbour.join("calm");

            hold.set(true); // from now on the store takes nothing until the test lets it
            for (int n = 0; n < EACH; n++) {
                for (int i = 0; i < SENDERS; i++) {
                    flood.get(i).send("{\"type\":\"send\",\"room\":\"busy\",\"text\":\"m" + n + "\",\"id\":\"f" + i + "-" + n + "\"}");
                }
            }
            Map<Integer, Set<String>> refused = new HashMap<>();
            for (int i = 0; i < SENDERS; i++) { // a pong after the sends: each of them was taken or refused by then
                WsClient c = flood.get(i);
                c.send("{\"type\":\"ping\"}");
                Set<String> ids = new TreeSet<>();
                for (JsonObject f; !"pong".equals((f = c.next()).getString("type")); ) {
                    if ("error".equals(f.getString("type"))) {
                        assertEquals("overloaded", f.getString("code"), f::toString);
                        ids.add(f.getString("id"));
                    }
                }
                refused.put(i, ids);
            }
            int refusals = refused.values().stream().mapToInt(Set::size).sum();
            int taken = SENDERS * EACH - refusals;
            assertEquals(taken, store.backlog(), "every message not refused waits for the store");
            assertTrue(store.backlog() <= BACKLOG + SENDERS, "bounded: " + store.backlog() + " waiting");
            assertTrue(refusals > SENDERS * EACH / 2, "most of the flood was pushed back: " + refusals);

            neighbour.send("{\"type\":\"send\",\"room\":\"calm\",\"text\":\"still here\",\"id\":\"q1\"}");
            neighbour.send("{\"type\":\"ping\"}");
            assertEquals("pong", neighbour.until("pong").getString("type"));
            assertEquals(taken + 1, store.backlog(), "the quiet neighbour's message was taken at once");

            for (Runnable task; (task = writer.poll()) != null; ) {
                task.run(); // the store catches up (tasks its callbacks schedule run too)
            }
            assertEquals(0, store.backlog());
            assertEquals("q1", neighbour.until("ack").getString("id"));

            Set<String> acked = new TreeSet<>();
            for (int i = 0; i < SENDERS; i++) {
                int expected = EACH - refused.get(i).size();
                for (int k = 0; k < expected; k++) {
                    JsonObject ack = flood.get(i).until("ack");
                    assertFalse(refused.get(i).contains(ack.getString("id")), "a refused message was not stored");
                    acked.add(ack.getString("id"));
                }
            }
            Set<String> stored = store.last("busy", 1000).messages().stream().map(StoredMessage::clientId)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(acked, stored, "history holds exactly what was acknowledged");
            assertEquals(taken, stored.size());

            // caught up: a sender is taken again
            flood.get(0).send("{\"type\":\"send\",\"room\":\"busy\",\"text\":\"after\",\"id\":\"after\"}");
            flood.get(0).send("{\"type\":\"ping\"}");
            for (JsonObject f; !"pong".equals((f = flood.get(0).next()).getString("type")); ) {
                assertFalse("error".equals(f.getString("type")), "taken, not refused: " + f);
            }
            assertEquals(1, store.backlog());
            for (Runnable task; (task = writer.poll()) != null; ) {
                task.run();
            }
            assertEquals("after", flood.get(0).until("ack").getString("id"));
            flood.forEach(WsClient::close);
            neighbour.close();
        } finally {
            store.close();
            free.shutdownNow();
        }
    }
}
