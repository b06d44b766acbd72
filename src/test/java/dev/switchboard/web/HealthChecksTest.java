package dev.switchboard.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.cluster.LocalFanOut;
import dev.switchboard.config.Settings;
import dev.switchboard.delivery.InMemoryHistoryStore;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Readiness and liveness, and the {@code /api/health} body reporting them (no container: the beans built by hand). */
class HealthChecksTest {

    private final AtomicBoolean storeUp = new AtomicBoolean(true);
    private final AtomicReference<String> backplaneTrouble = new AtomicReference<>();
    private final ConnectionRegistry connections = new ConnectionRegistry(Settings.of(Map.of()), Runnable::run);
    private final HealthChecks checks = new HealthChecks(connections, new InMemoryHistoryStore(10) {
        @Override
        public boolean reachable() {
            return storeUp.get();
        }
    }, new LocalFanOut() {
        @Override
        public Optional<String> trouble() {
            return Optional.ofNullable(backplaneTrouble.get());
        }
    });

    /** What {@code /api/health} would answer (its status code is 200 exactly when the readiness is up). */
    private JsonObject apiHealth() {
        return Json.createReader(new StringReader(HealthResource.json(checks.readiness()))).readObject();
    }

    @Test
    void readyWhileTheStoreAnswers() {
        HealthChecks.Status ready = checks.readiness();
        assertTrue(ready.up());
        assertEquals(HealthChecks.READY, ready.name());
        assertEquals("reachable", ready.data().get("history"));
        assertEquals(false, ready.data().get("draining"));
        JsonObject body = apiHealth();
        assertEquals("UP", body.getString("status"));
        assertEquals(0, body.getInt("connections"));
        assertEquals("reachable", body.getString("history"));
    }

    @Test
    void notReadyButAliveWhenTheStoreDoesNotAnswer() {
        storeUp.set(false);
        HealthChecks.Status ready = checks.readiness();
        assertFalse(ready.up());
        assertEquals("unreachable", ready.data().get("history"));
        assertEquals("DOWN", apiHealth().getString("status"));
        assertTrue(checks.liveness().up(), "a database outage must not get the node restarted");
    }

    @Test
    void notReadyWhileTheNodeDoesNotHearTheOtherNodes() {
        assertEquals("ok", checks.readiness().data().get("backplane"));
        backplaneTrouble.set("self-ping not back for 3200 ms");
        HealthChecks.Status ready = checks.readiness();
        assertFalse(ready.up());
        assertEquals("self-ping not back for 3200 ms", ready.data().get("backplane"));
        assertEquals("DOWN", apiHealth().getString("status"));
        assertTrue(checks.liveness().up());
        backplaneTrouble.set(null);
        assertTrue(checks.readiness().up(), "ready again once the doorbell works");
    }
}
