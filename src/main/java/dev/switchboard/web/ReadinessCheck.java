package dev.switchboard.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@link HealthChecks#readiness()} for the server's MicroProfile Health readiness endpoint (WildFly on
 * {@code standalone-microprofile.xml}: {@code /health/ready} on the management port; Payara: {@code /health/ready}
 * on the HTTP port). On a server without MicroProfile Health this class is simply not a bean.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    HealthChecks checks;

    @Override
    public HealthCheckResponse call() {
        return LivenessCheck.response(checks.readiness());
    }
}
