package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.testing.WsClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On demand, not part of {@code verify} (the name ends in neither Test nor IT): connect/disconnect churn
 * against the managed WildFly for {@code soak.seconds} (default 180) with {@code soak.clients} (default 40)
 * client loops, sampling the server's heap (after a GC) and open file descriptors. Run:
 * {@code ./mvnw -o verify -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ChurnSoak}.
 */
@ExtendWith(ArquillianExtension.class)
class ChurnSoak {

    private static final Logger LOG = Logger.getLogger(ChurnSoak.class.getName());

    @ArquillianResource
    ManagementClient management;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private long heapAfterGc() throws Exception {
        ModelNode gc = new ModelNode();
        gc.get("operation").set("gc");
        gc.get("address").add("core-service", "platform-mbean").add("type", "memory");
        management.getControllerClient().execute(gc);
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("core-service", "platform-mbean").add("type", "memory");
        read.get("name").set("heap-memory-usage");
        return management.getControllerClient().execute(read).get("result").get("used").asLong();
    }

    private long serverPid() throws Exception {
        ModelNode read = new ModelNode();
        read.get("operation").set("read-attribute");
        read.get("address").add("core-service", "platform-mbean").add("type", "runtime");
        read.get("name").set("name");
        return Long.parseLong(management.getControllerClient().execute(read).get("result").asString().split("@")[0]);
    }

    private static long fds(long pid) throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return s.count();
        }
    }

    private static int openConnections() throws Exception {
        HttpResponse<String> r = SessionApi.HTTP.send(HttpRequest.newBuilder(Deployments.http("/api/metrics"))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return SessionApi.json(r.body()).getInt("connections");
    }

    @Test
    void churn() throws Exception {
        int seconds = Integer.getInteger("soak.seconds", 180);
        int clients = Integer.getInteger("soak.clients", 40);
        long pid = serverPid();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            tokens.add(SessionApi.token(SessionApi.unique("soak" + i)));
        }
        long heap0 = heapAfterGc();
        long fd0 = fds(pid);
        LOG.info(() -> String.format("soak start: %d clients, %d s; heap %.1f MB, fds %d", clients, seconds, heap0 / 1e6, fd0));
        AtomicLong cycles = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            URI uri = URI.create(Deployments.ws("/ws/chat") + "?token=" + tokens.get(i));
            String room = "soak-" + (i % 5);
            loops.add(pool.submit(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    try (WsClient c = WsClient.connect(uri)) {
                        c.expect("welcome");
                        c.join(room);
                        c.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"churn\",\"id\":\"s-" + n++ + "\"}");
                        c.until("ack");
                    }
                    cycles.incrementAndGet();
                }
                return null;
            }));
        }
        List<String> samples = new ArrayList<>();
        while (System.nanoTime() < end) {
            long wait = Math.min(TimeUnit.SECONDS.toNanos(30), end - System.nanoTime());
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the sampling period of a bounded on-demand run, not a test wait
            }
            String sample = String.format("t+%ds cycles %d heap %.1f MB fds %d connections %d",
                    seconds - Math.max(0, (end - System.nanoTime()) / 1_000_000_000L), cycles.get(), heapAfterGc() / 1e6, fds(pid),
                    openConnections());
            samples.add(sample);
            LOG.info(sample);
        }
        for (Future<?> f : loops) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        long heap1 = heapAfterGc();
        long fd1 = fds(pid);
        String summary = String.format("soak end: %d connect/join/send/close cycles; heap %.1f -> %.1f MB, fds %d -> %d",
                cycles.get(), heap0 / 1e6, heap1 / 1e6, fd0, fd1);
        LOG.info(summary);
        Files.writeString(Path.of("target/soak-result.txt"), String.join("\n", samples) + "\n" + summary + "\n");
        assertEquals(0, openConnections(), "every connection was released");
        assertTrue(fd1 - fd0 < 50, "file descriptors flat: " + fd0 + " -> " + fd1);
    }
}
