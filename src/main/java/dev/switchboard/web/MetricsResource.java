package dev.switchboard.web;

import dev.switchboard.config.Settings;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.metrics.MetricsFormat;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/metrics}: what an operator watches ({@link Metrics}), as Prometheus text (the default), OpenMetrics or
 * JSON, by {@code Accept} ({@link MetricsFormat}). Loopback callers only, unless {@code switchboard.metrics.remote=true},
 * and then only callers in the container role {@code operator}.
 */
@Tag(name = "operations")
@Path("metrics")
@RequestScoped
public class MetricsResource {

    @Inject
    Metrics metrics;

    @Inject
    Settings settings;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "metrics", summary = "What an operator watches: connections, traffic, refusals, closes",
            description = "Prometheus text by default, OpenMetrics or JSON by Accept. Loopback callers only, unless"
                    + " switchboard.metrics.remote=true, and then callers with the operator role (the container's, or an"
                    + " identity provider's token).")
    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "200", description = "The meters", content = {
            @Content(mediaType = "text/plain", schema = @Schema(type = SchemaType.STRING,
                    description = "Prometheus text format 0.0.4")),
            @Content(mediaType = "application/openmetrics-text", schema = @Schema(type = SchemaType.STRING,
                    description = "OpenMetrics 1.0")),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Metrics"))})
    @APIResponse(responseCode = "406", description = "An Accept that takes none of the three forms", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "403", description = "Not a loopback caller, nor an operator where remote callers are allowed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    @Produces({"text/plain", "application/openmetrics-text", MediaType.APPLICATION_JSON})
    public Response metrics(@HeaderParam(HttpHeaders.ACCEPT) String accept) {
        if (!allowed(request, settings)) {
            return Response.status(403).type(MediaType.APPLICATION_JSON)
                    .entity("{\"error\":\"forbidden\",\"message\":\"operators only\"}").build();
        }
        MetricsFormat format = MetricsFormat.negotiate(accept).orElse(null);
        if (format == null) {
            return Response.status(406).type(MediaType.APPLICATION_JSON)
                    .entity("{\"error\":\"not_acceptable\",\"message\":\"text/plain, application/openmetrics-text or application/json\"}")
                    .build();
        }
        String body = format == MetricsFormat.JSON ? metrics.json().toString() : metrics.scrape(format.contentType());
        return Response.ok(body).type(format.contentType()).build();
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
