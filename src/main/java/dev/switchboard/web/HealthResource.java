package dev.switchboard.web;

import dev.switchboard.socket.ConnectionRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/health}: {@code 200 {"status":"UP"}} once the application is deployed and its services
 * are wired, for load balancers and probes. The server's own MicroProfile Health endpoints need a
 * MicroProfile configuration (WildFly's {@code standalone-microprofile.xml}); this one works everywhere.
 */
@Path("health")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    @Inject
    ConnectionRegistry connections;

    @GET
    public String health() {
        return "{\"status\":\"UP\",\"connections\":" + connections.size() + "}";
    }
}
