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
 * (arguments: -Dbench.args="seconds clients streams [database [rate]]"; a rate, in messages a second,
 * replaces the closed-loop clients by one open-loop sender). The database: {@code h2} (the embedded file, the
 * default), {@code pg} (an embedded PostgreSQL, one node), or {@code cluster} (the same PostgreSQL with the
 * cluster's doorbell in every transaction, and a second node in this JVM that follows every stream through its own
 * listener: it prints how long a message took from the sender on node A to a follower on node B).
 */
public final class HistoryBenchmark {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int streams = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        String database = args.length > 3 ? args[3] : "h2";
        Path dir = Files.createTempDirectory("switchboard-bench");
        ExecutorService writer = Executors.newSingleThreadExecutor();
        SqlHistoryStore store;
        NodeB nodeB = null;
        if (database.equals("h2")) {
            store = new SqlHistoryStore(HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", ""), writer, 1000);
        } else {
            String url = dev.switchboard.testing.TestPostgres.fresh("bench");
            HistoryDatabase db = pg(url);
            dev.switchboard.cluster.ClusterNode nodeA = dev.switchboard.cluster.ClusterNode.on(db, dev.switchboard.config.Settings.of(java.util.Map.of()));
            boolean cluster = database.equals("cluster");
            store = new SqlHistoryStore(db, writer, Retention.fixed(1000),
                    cluster ? dev.switchboard.cluster.PostgresFanOut.doorbell(nodeA) : CommitAnnouncer.NONE);
            if (cluster) {
                nodeB = new NodeB(url, streams);
            }
        }
        AtomicLong acked = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(clients);
        String text = "x".repeat(100);
        int rate = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        java.util.concurrent.ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        if (rate > 0) { // open loop: rate messages a second in all, whatever the acks do (clients are ignored)
            SqlHistoryStore paced = store;
            long[] n = {0};
            pacer.scheduleAtFixedRate(() -> {
                for (int i = 0; i < rate / 100; i++) {
                    long k = n[0]++;
                    paced.append("room-" + (k % streams), new HistoryStore.Draft("user" + (k % 1000), null, text, null, Instant.now()),
                            new HistoryStore.Appended() {
                                @Override
                                public void stored(StoredMessage m, boolean duplicate) {
                                    acked.incrementAndGet();
                                }

                                @Override
                                public void failed(Exception e) {
                                    System.err.println("append failed: " + e);
                                }
                            });
                }
            }, 10, 10, TimeUnit.MILLISECONDS);
            for (int c = 0; c < clients; c++) {
                stopped.countDown();
            }
        } else {
            for (int c = 0; c < clients; c++) {
                new Sender(store, "room-" + (c % streams), "user" + c, text, acked, running, stopped).next();
            }
        }
        // warm up (class loading, JIT), then measure
        TimeUnit.SECONDS.sleep(8);
        if (nodeB != null) {
            nodeB.latencies.clear(); // the warm-up's do not count
        }
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
        pacer.shutdownNow();
        stopped.await(30, TimeUnit.SECONDS);
        if (nodeB != null) {
            System.out.println(nodeB.report());
            nodeB.close();
        }
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

    private static HistoryDatabase pg(String url) {
        return HistoryDatabase.pooled(url, dev.switchboard.testing.TestPostgres.user(), dev.switchboard.testing.TestPostgres.password());
    }

    /** A second node on the same database, following every room through its doorbell: the A-to-B latency. */
    private static final class NodeB implements AutoCloseable {
        final ExecutorService writer = Executors.newSingleThreadExecutor();
        final SqlHistoryStore store;
        final dev.switchboard.cluster.PostgresFanOut fanOut;
        final java.util.Set<String> distinct = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final AtomicLong repeats = new AtomicLong();
        final java.util.List<Long> latencies = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        NodeB(String url, int streams) {
            HistoryDatabase db = pg(url);
            dev.switchboard.cluster.ClusterNode node = dev.switchboard.cluster.ClusterNode.on(db, dev.switchboard.config.Settings.of(java.util.Map.of()));
            store = new SqlHistoryStore(db, writer, Retention.fixed(1000), dev.switchboard.cluster.PostgresFanOut.doorbell(node));
            fanOut = new dev.switchboard.cluster.PostgresFanOut(node, store).start();
            java.util.regex.Pattern ts = java.util.regex.Pattern.compile("\"ts\":\"([^\"]+)\"");
            for (int i = 0; i < streams; i++) {
                fanOut.follow("room-" + i, (stream, seq, frame, skip) -> {
                    if (!distinct.add(stream + "/" + seq)) {
                        repeats.incrementAndGet();
                        return;
                    }
                    java.util.regex.Matcher m = ts.matcher(frame.text());
                    if (m.find()) {
                        latencies.add(System.currentTimeMillis() - Instant.parse(m.group(1)).toEpochMilli());
                    }
                });
            }
        }

        String report() {
            java.util.List<Long> l;
            synchronized (latencies) {
                l = new java.util.ArrayList<>(latencies);
            }
            l.sort(null);
            if (l.isEmpty()) {
                return "node B received nothing";
            }
            return String.format("node B received %d messages (and %d repeats, dropped); from the sender on A to a follower on B: p50 %d ms, p99 %d ms, max %d ms",
                    l.size(), repeats.get(), l.get(l.size() / 2), l.get((int) (l.size() * 0.99)), l.get(l.size() - 1));
        }

        @Override
        public void close() {
            fanOut.stop();
            store.close();
            writer.shutdown();
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
