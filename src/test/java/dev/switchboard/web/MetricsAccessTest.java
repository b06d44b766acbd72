package dev.switchboard.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may read {@code GET /api/metrics}: loopback callers; others only with {@code switchboard.metrics.remote=true} and the role {@code operator}. */
class MetricsAccessTest {

    /** A request from {@code address} by a caller in {@code roles} (only what the rule reads). */
    private static HttpServletRequest from(String address, Set<String> roles) {
        return (HttpServletRequest) Proxy.newProxyInstance(MetricsAccessTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddr" -> address;
                    case "isUserInRole" -> roles.contains((String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static final Settings LOCAL_ONLY = Settings.of(Map.of());
    private static final Settings REMOTE = Settings.of(Map.of(Settings.METRICS_REMOTE, "true"));

    @Test
    void loopbackCallersMayReadWhateverTheSetting() {
        assertTrue(MetricsResource.allowed(from("127.0.0.1", Set.of()), LOCAL_ONLY));
        assertTrue(MetricsResource.allowed(from("::1", Set.of()), LOCAL_ONLY));
        assertTrue(MetricsResource.allowed(from("127.0.0.1", Set.of()), REMOTE));
    }

    @Test
    void remoteCallersAreRefusedUnlessRemoteIsOnAndTheyAreOperators() {
        assertFalse(MetricsResource.allowed(from("10.0.0.5", Set.of("operator")), LOCAL_ONLY), "remote off: not even operators");
        assertFalse(MetricsResource.allowed(from("10.0.0.5", Set.of()), REMOTE), "remote on: not without the role");
        assertFalse(MetricsResource.allowed(from("10.0.0.5", Set.of("publisher")), REMOTE), "remote on: another role");
        assertTrue(MetricsResource.allowed(from("10.0.0.5", Set.of("operator")), REMOTE));
        assertTrue(MetricsResource.allowed(from("2001:db8::7", Set.of("operator")), REMOTE));
    }
}
