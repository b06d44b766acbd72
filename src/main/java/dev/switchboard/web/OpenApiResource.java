package dev.switchboard.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/openapi}: this API's OpenAPI document ({@link OpenApiDocument}), served by the application itself so
 * it is the same on every server, under the context root, and passes through the application's own filters. As the
 * MicroProfile OpenAPI endpoint does: YAML unless JSON is asked for, by {@code Accept: application/json} or
 * {@code ?format=json}.
 */
@Tag(name = "operations")
@Path("openapi")
@RequestScoped
public class OpenApiResource {

    /** RFC 9512. */
    public static final String YAML = "application/yaml";

    @Inject
    OpenApiDocument document;

    @Context
    HttpServletRequest request;

    @Context
    HttpHeaders headers;

    @Operation(operationId = "openApiDocument", summary = "This document: YAML, or JSON by Accept or ?format=json")
    @APIResponse(responseCode = "200", description = "The OpenAPI 3 document of /api",
            content = {@Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING)),
                    @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT))})
    @APIResponse(responseCode = "400", description = "format is neither json nor yaml",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    @Produces({YAML, MediaType.APPLICATION_JSON})
    public Response document(@Parameter(description = "Wins over Accept",
            schema = @Schema(type = SchemaType.STRING, enumeration = {"json", "yaml"})) @QueryParam("format") String format) {
        String asked = format == null ? null : format.toLowerCase(Locale.ROOT);
        if (asked != null && !asked.equals("json") && !asked.equals("yaml")) {
            return SessionResource.error(Response.Status.BAD_REQUEST, "bad_request", "format must be json or yaml");
        }
        boolean json = asked != null ? asked.equals("json") : prefersJson();
        String contextPath = request.getContextPath();
        return json ? Response.ok(document.json(contextPath), MediaType.APPLICATION_JSON_TYPE).build()
                : Response.ok(document.yaml(contextPath), YAML).build();
    }

    /** JSON when the client accepts it before (or without) YAML; {@code *}{@code /*} and no Accept get YAML. */
    private boolean prefersJson() {
        for (MediaType type : headers.getAcceptableMediaTypes()) { // sorted by quality, then specificity
            if (type.isWildcardType()) {
                return false;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return true;
            }
            if (type.toString().startsWith(YAML) || type.getSubtype().endsWith("yaml")) {
                return false;
            }
        }
        return false;
    }
}
