package dev.switchboard.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded benchmark of the durable store (not a test): {@code clients} concurrent senders, each
 * sending its next message when the previous one is acked (acked = committed to the H2 file), for
 * {@code seconds}; prints stored messages per second. Run: {@code ./mvnw -o -q -Pbench test-compile exec:java}
 * (arguments: -Dbench.args="seconds clients streams").
 */
public final class HistoryBenchmark {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Path dir = Files.createTempDirectory("switchboard-bench");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SqlHistoryStore store = new SqlHistoryStore(
                HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), writer, 1000);
        AtomicLong acked = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(clients);
        String text = "x".repeat(100);
        for (int c = 0; c < clients; c++) {
            new Sender(store, "room-" + (c % streams), "user" + c, text, acked, running, stopped).next();
        }
        // warm up (class loading, JIT), then measure
        TimeUnit.SECONDS.sleep(8);
        long startAcks = acked.get();
        long startCommits = store.commits();
        long start = System.nanoTime();
        long startCpu = cpuNanos();
        TimeUnit.SECONDS.sleep(seconds);
        long n = acked.get() - startAcks;
        double cpu = (cpuNanos() - startCpu) / 1e9;
        long commits = store.commits() - startCommits;
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        stopped.await(30, TimeUnit.SECONDS);
        store.close();
        writer.shutdown();
        System.out.printf("%d clients, %d streams, %d s: %d messages stored and acked, %.0f msgs/s, %d transactions"
                + " (%.0f messages each); this process used %.1f CPU-s of the %.1f s: %.0f msgs per CPU-second"
                + " (the machine's load average: %.1f on %d cores)%n", clients, streams, seconds, n, n / elapsed, commits,
                (double) n / Math.max(1, commits), cpu, elapsed, n / cpu,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** A client that sends its next message when the last one is acked. */
    private record Sender(SqlHistoryStore store, String stream, String user, String text, AtomicLong acked,
            AtomicBoolean running, CountDownLatch stopped) implements HistoryStore.Appended {

        void next() {
            store.append(stream, new HistoryStore.Draft(user, null, text, null, Instant.now()), this);
        }

        @Override
        public void stored(StoredMessage message, boolean duplicate) {
            acked.incrementAndGet();
            if (running.get()) {
                next();
            } else {
                stopped.countDown();
            }
        }

        @Override
        public void failed(Exception e) {
            System.err.println("append failed: " + e); // a benchmark main: the reason is enough
            stopped.countDown();
        }
    }
}
