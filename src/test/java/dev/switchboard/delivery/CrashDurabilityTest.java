package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ack means stored, even when the JVM then ends without closing anything (a crash, or Payara Micro stopped
 * by SIGTERM while its class loader refuses new classes): a child JVM appends, waits for the acks and halts;
 * the messages, and the stream's epoch, are in the file afterwards.
 */
class CrashDurabilityTest {

    /** The child: appends {@code n} messages to the embedded default database in {@code dir}, then halts. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        SqlHistoryStore store = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""),
                Executors.newSingleThreadExecutor(), 1000);
        for (int i = 1; i <= n; i++) {
            CompletableFuture<StoredMessage> acked = new CompletableFuture<>();
            store.append("room:crash", new HistoryStore.Draft("alice", null, "m" + i, "c" + i, Instant.now()),
                    new HistoryStore.Appended() {
                        @Override
                        public void stored(StoredMessage message, boolean duplicate) {
                            acked.complete(message);
                        }

                        @Override
                        public void failed(Exception e) {
                            acked.completeExceptionally(e);
                        }
                    });
            acked.get(10, TimeUnit.SECONDS);
        }
        System.out.println("acked " + n + " in epoch " + store.head("room:crash").epoch());
        Runtime.getRuntime().halt(0); // no shutdown hooks, nothing closed
    }

    @Test
    void acknowledgedMessagesSurviveAJvmThatEndsWithoutClosing(@TempDir Path dir) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashDurabilityTest.class.getName(), dir.toString(), "5")
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes());
        assertEquals(true, child.waitFor(60, TimeUnit.SECONDS), out);
        Matcher acked = Pattern.compile("acked 5 in epoch (\\w+)").matcher(out);
        assertTrue(acked.find(), out);

        SqlHistoryStore reopened = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""),
                Runnable::run, 1000);
        try {
            List<StoredMessage> kept = reopened.since("room:crash", 0, null).messages();
            assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), kept.stream().map(StoredMessage::text).toList());
            assertEquals(new Position(acked.group(1), 5), reopened.head("room:crash"), "the epoch survives too");
            assertTrue(reopened.since("room:crash", 3, acked.group(1)).recovered(), "so the child's cursor is exact");
        } finally {
            reopened.close();
        }
    }
}
