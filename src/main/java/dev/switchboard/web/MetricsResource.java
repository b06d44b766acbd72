package dev.switchboard.web;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.ConnectionRegistry;
import dev.switchboard.socket.Metrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/metrics}: what an operator watches (connections, streams, follows, messages in/out per
 * second, queued bytes, refusals, closes by code), as JSON. Loopback callers only, unless
 * {@code switchboard.metrics.remote=true}, and then only callers in the container role {@code operator}.
 */
@Tag(name = "operations")
@Path("metrics")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class MetricsResource {

    @Inject
    ConnectionRegistry connections;

    @Inject
    StreamFollowers followers;

    @Inject
    Settings settings;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "metrics", summary = "What an operator watches: connections, traffic, refusals, closes",
            description = "Loopback callers only, unless switchboard.metrics.remote=true, and then callers in the container"
                    + " role operator.")
    @APIResponse(responseCode = "200", description = "The counters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Metrics")))
    @APIResponse(responseCode = "403", description = "Not a loopback caller, nor an operator where remote callers are allowed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    public Response metrics() {
        if (!allowed(request, settings)) {
            return Response.status(403).entity("{\"error\":\"forbidden\",\"message\":\"operators only\"}").build();
        }
        long queued = 0;
        for (Connection c : connections.all()) {
            queued += c.queuedBytes();
        }
        JsonObjectBuilder closes = Json.createObjectBuilder();
        Metrics.closesByCode().forEach((code, n) -> closes.add(String.valueOf(code), n));
        return Response.ok(Json.createObjectBuilder()
                .add("connections", connections.size())
                .add("users", connections.users())
                .add("streams", followers.streamCount())
                .add("follows", followers.followCount())
                .add("messagesIn", Metrics.messagesIn())
                .add("messagesOut", Metrics.messagesOut())
                .add("inPerSecond", Metrics.inPerSecond())
                .add("outPerSecond", Metrics.outPerSecond())
                .add("queuedBytes", queued)
                .add("rateLimited", Metrics.rateLimitedTotal())
                .add("overloaded", Metrics.overloadedTotal())
                .add("stored", Metrics.storedMessages())
                .add("storeTransactions", Metrics.storeTransactions())
                .add("closes", closes)
                .build().toString()).build();
    }

    static boolean allowed(HttpServletRequest request, Settings settings) {
        try {
            if (InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
                return true;
            }
        } catch (UnknownHostException e) {
            return false;
        }
        return settings.metricsRemote() && request.isUserInRole("operator");
    }
}
