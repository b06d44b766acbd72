package dev.switchboard.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/health}: the readiness of {@link HealthChecks}, for load balancers and probes on any server:
 * {@code 200 {"status":"UP","connections":N,"draining":false,"history":"reachable"}}, or {@code 503} with
 * {@code "status":"DOWN"} while the history store does not answer or the application is going away. Where the
 * server has MicroProfile Health, its {@code /health/ready} and {@code /health/live} report the same checks.
 */
@Tag(name = "operations")
@Path("health")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    @Inject
    HealthChecks checks;

    @Operation(operationId = "health", summary = "Readiness, for load balancers and probes",
            description = "The same checks as the server's MicroProfile Health (/health/ready) reports as switchboard-ready.")
    @APIResponse(responseCode = "200", description = "Ready",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Health")))
    @APIResponse(responseCode = "503", description = "Not ready: the history database does not answer, the node does not"
            + " hear the cluster, or the application is going away",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Health")))
    @GET
    public Response health() {
        HealthChecks.Status ready = checks.readiness();
        return Response.status(ready.up() ? 200 : 503).entity(json(ready)).build();
    }

    /** The body: {@code status} UP or DOWN, then what the check saw. */
    static String json(HealthChecks.Status status) {
        JsonObjectBuilder body = Json.createObjectBuilder().add("status", status.up() ? "UP" : "DOWN");
        for (Map.Entry<String, Object> e : status.data().entrySet()) {
            if (e.getValue() instanceof Boolean v) {
                body.add(e.getKey(), v);
            } else if (e.getValue() instanceof Number v) {
                body.add(e.getKey(), v.longValue());
            } else {
                body.add(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return body.build().toString();
    }
}
