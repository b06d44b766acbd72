package dev.switchboard.web;

import dev.switchboard.chat.UserDirectory;
import dev.switchboard.security.Credentials;
import dev.switchboard.security.TokenService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/users/{name}}: whether a direct message to {@code name} would be taken (the directory of
 * {@link UserDirectory}), so a page can say so before anything is typed and sent. For signed-in callers only.
 */
@Tag(name = "directory")
@Path("users/{name}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

    @Inject
    TokenService tokens;

    @Inject
    UserDirectory users;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "findUser", summary = "Whether a direct message to this user would be taken (a known user)")
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.SESSION_COOKIE))
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "200", description = "A known user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "User")))
    @APIResponse(responseCode = "400", description = "The name does not match [A-Za-z0-9_.-]{1,64}", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "401", description = "No session", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    public Response exists(@PathParam("name") String name, @CookieParam(Credentials.COOKIE) String token) {
        if (request.getUserPrincipal() == null && tokens.verify(token).isEmpty()) {
            return SessionResource.error(Response.Status.UNAUTHORIZED, "unauthorized", "sign in first");
        }
        if (!NAME.matcher(name).matches()) {
            return SessionResource.error(Response.Status.BAD_REQUEST, "bad_request", "name must match [A-Za-z0-9_.-]{1,64}");
        }
        if (!users.exists(name)) {
            return SessionResource.error(Response.Status.NOT_FOUND, "not_found", "no user " + name);
        }
        return Response.ok(Json.createObjectBuilder().add("user", name).build().toString()).build();
    }
}
