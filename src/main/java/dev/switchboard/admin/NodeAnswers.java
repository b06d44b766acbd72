package dev.switchboard.admin;

import dev.switchboard.cluster.FanOut;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Asks every live node a question over the fan-out and gathers their replies for a bounded time: a request/reply over
 * the cluster's doorbell, so that nothing is written on a connection's open or close to make it listable. What a node
 * did not finish saying in time is reported as missing, not waited for. Thread-safe.
 */
final class NodeAnswers {

    private static final Logger LOG = Logger.getLogger(NodeAnswers.class.getName());

    /** What came back: the items of the nodes that answered in full, and the nodes that did not. */
    record Gathered(List<String> items, List<String> answered, List<String> missing) {}

    private final FanOut fanOut;
    private final String self;
    private final Map<String, Gathering> open = new ConcurrentHashMap<>();

    NodeAnswers(FanOut fanOut, String self) {
        this.fanOut = fanOut;
        this.self = self;
    }

    /** Asks {@code nodes} (every live node) and waits at most {@code wait} for all their replies. */
    Gathered ask(List<String> nodes, String kind, String subject, Duration wait) throws InterruptedException {
        String id = UUID.randomUUID().toString().replace("-", "");
        Gathering g = new Gathering(nodes);
        open.put(id, g); // before the request: this node answers it on this thread
        try {
            try {
                fanOut.request(new FanOut.NodeRequest(id, self, kind, subject, null));
            } catch (RuntimeException e) { // this node answered; the others were not asked and are reported missing
                LOG.warning("a request to the other nodes was not sent: " + e.getMessage());
                return g.gathered();
            }
            try {
                g.complete.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // reported below: the nodes still owing their answer
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            return g.gathered();
        } finally {
            open.remove(id);
        }
    }

    /** A reply (part) from some node; one for a request no longer waited for is dropped. */
    void replied(FanOut.NodeReply reply) {
        Gathering g = open.get(reply.id());
        if (g != null) {
            g.add(reply);
        }
    }

    /** One request's replies so far. */
    private static final class Gathering {
        private final Set<String> owing;
        private final Map<String, List<String>> parts = new LinkedHashMap<>();
        private final Set<String> answered = new LinkedHashSet<>();
        final CompletableFuture<Void> complete = new CompletableFuture<>();

        Gathering(List<String> nodes) {
            this.owing = new LinkedHashSet<>(nodes);
            if (owing.isEmpty()) {
                complete.complete(null);
            }
        }

        synchronized void add(FanOut.NodeReply r) {
            if (answered.contains(r.node())) {
                return; // a repeat
            }
            parts.computeIfAbsent(r.node(), n -> new ArrayList<>()).addAll(r.items());
            if (r.last()) {
                answered.add(r.node()); // also a node that started after the question (it heard it)
                owing.remove(r.node());
                if (owing.isEmpty()) {
                    complete.complete(null);
                }
            }
        }

        synchronized Gathered gathered() {
            List<String> items = new ArrayList<>();
            for (String node : answered) {
                items.addAll(parts.get(node));
            }
            return new Gathered(items, List.copyOf(answered), List.copyOf(owing));
        }
    }
}
