package dev.switchboard.topics;

import dev.switchboard.security.TokenRefresh;
import dev.switchboard.config.Settings;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.Wire;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.CloseReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A bounded measurement, not a test (not run by {@code verify}): matching cost of the trie against a
 * linear scan as the number of non-matching patterns grows, and publish throughput to many subscribers.
 * Run: {@code java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.switchboard.topics.TopicBenchmark}
 */
public final class TopicBenchmark {

    public static void main(String[] args) {
        for (int patterns : new int[] {1_000, 100_000, 1_000_000}) {
            SubscriptionIndex<Integer> index = new SubscriptionIndex<>();
            List<String> all = new ArrayList<>();
            for (int i = 0; i < patterns; i++) {
                String p = switch (i % 4) {
                    case 0 -> "ticker.S" + i;
                    case 1 -> "orders." + i + ".*";
                    case 2 -> "*.S" + i;
                    default -> "ticker.ACME.deeper" + i;
                };
                index.add(p, i);
                all.add(p);
            }
            index.add("ticker.*", -1);
            all.add("ticker.*");
            int[] sink = {0};
            long trie = time(() -> index.match("ticker.ACME", s -> sink[0]++), 200_000);
            long scan = time(() -> {
                for (String p : all) {
                    if (TopicNames.matches(p, "ticker.ACME")) {
                        sink[0]++;
                    }
                }
            }, patterns >= 1_000_000 ? 5 : patterns >= 100_000 ? 20 : 2_000);
            System.out.printf("%,d patterns: trie %,d ns/match (%d nodes visited), linear scan %,d ns/match%n", patterns,
                    trie, index.match("ticker.ACME", s -> { }), scan);
        }
        Settings settings = Settings.of(Map.of());
        dev.switchboard.delivery.InMemoryHistoryStore history = new dev.switchboard.delivery.InMemoryHistoryStore(new TopicRetention(settings));
        dev.switchboard.cluster.LocalFanOut fanOut = new dev.switchboard.cluster.LocalFanOut();
        TopicService topics = new TopicService(settings, history, fanOut,
                new TopicSubscriptions(new dev.switchboard.delivery.StreamFollowers(fanOut, history, settings), fanOut, settings), (TokenRefresh) null);
        Wire nothing = new Wire() {
            @Override
            public void sendText(String text, Consumer<Throwable> done) {
                done.accept(null);
            }

            @Override
            public void close(CloseReason reason) {}
        };
        for (int i = 0; i < 1000; i++) {
            Connection c = new Connection("c" + i, "u" + i, null, nothing, 1 << 20);
            topics.opened(c);
            topics.handle(c, new dev.switchboard.protocol.ClientMessage.Subscribe(i % 2 == 0 ? "bench.*" : "bench.x", null, null));
        }
        JsonProvider json = JsonProvider.provider();
        int events = 20_000;
        long ns = time(() -> topics.publish("bench.x", json.createValue(42)), events);
        System.out.printf("publish to 1,000 subscribers (500 via bench.*, 500 exact): %,d ns/event, %,.0f deliveries/s%n", ns,
                1000 * 1e9 / ns);
    }

    /** Average ns per run after a warm-up of the same length. */
    private static long time(Runnable r, int runs) {
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            r.run();
        }
        return (System.nanoTime() - start) / runs;
    }
}
