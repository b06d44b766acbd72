package dev.switchboard.socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry says when the application is going away, which readiness reports (HealthChecks). */
class DrainingTest {

    @Test
    void drainingFromTheFirstSignOfAnUndeploy() {
        ConnectionRegistry beforeDestroyed = new ConnectionRegistry(Settings.of(Map.of()), Runnable::run);
        assertFalse(beforeDestroyed.draining());
        beforeDestroyed.applicationEnding(new Object());
        assertTrue(beforeDestroyed.draining());

        ConnectionRegistry destroyed = new ConnectionRegistry(Settings.of(Map.of()), Runnable::run);
        destroyed.shutdown();
        assertTrue(destroyed.draining(), "also when only the bean's own destruction is seen");
    }
}
