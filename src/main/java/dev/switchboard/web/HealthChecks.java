package dev.switchboard.web;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that decides whether this node is alive and ready; {@code GET /api/health} and the server's
 * MicroProfile Health endpoints ({@link ReadinessCheck}, {@link LivenessCheck}) both report what it says.
 * Ready: the history store answers (an ack means stored, so no store, no service), the node hears the other nodes
 * (a cluster's doorbell: its listener is connected and its self-ping came back) and the application is not going
 * away. Live: the application answers at all (cheap; a probe that restarts a node must not depend on
 * the database).
 */
@ApplicationScoped
public class HealthChecks {

    public static final String READY = "switchboard-ready";
    public static final String LIVE = "switchboard-live";

    /** One check's outcome: its name, up or down, and what it saw (values are strings, numbers or booleans). */
    public record Status(String name, boolean up, Map<String, Object> data) {}

    private ConnectionRegistry connections;
    private HistoryStore history;
    private FanOut fanOut;

    protected HealthChecks() {} // for CDI proxies

    @Inject
    public HealthChecks(ConnectionRegistry connections, HistoryStore history, FanOut fanOut) {
        this.connections = connections;
        this.history = history;
        this.fanOut = fanOut;
    }

    public Status readiness() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("connections", (long) connections.size());
        boolean draining = connections.draining();
        data.put("draining", draining);
        boolean store = !draining && history.reachable(); // going away: the store is about to close anyway
        data.put("history", store ? "reachable" : draining ? "closing" : "unreachable");
        java.util.Optional<String> backplane = fanOut.trouble();
        data.put("backplane", backplane.orElse("ok"));
        return new Status(READY, store && !draining && backplane.isEmpty(), data);
    }

    public Status liveness() {
        return new Status(LIVE, true, Map.of("connections", (long) connections.size()));
    }
}
