package dev.switchboard.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/** {@link HealthChecks#liveness()} for the server's MicroProfile Health liveness endpoint ({@code /health/live}). */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Inject
    HealthChecks checks;

    @Override
    public HealthCheckResponse call() {
        return response(checks.liveness());
    }

    static HealthCheckResponse response(HealthChecks.Status status) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(status.name()).status(status.up());
        for (Map.Entry<String, Object> e : status.data().entrySet()) {
            if (e.getValue() instanceof Boolean v) {
                b.withData(e.getKey(), v);
            } else if (e.getValue() instanceof Number v) {
                b.withData(e.getKey(), v.longValue());
            } else {
                b.withData(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return b.build();
    }
}
