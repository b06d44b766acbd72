package dev.switchboard.web;

import dev.switchboard.protocol.MessageCodec;
import dev.switchboard.rooms.PublicRoom;
import dev.switchboard.rooms.RoomStandings;
import dev.switchboard.security.Credentials;
import dev.switchboard.security.TokenService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/rooms}: the room directory, public rooms only (a private room's name is not listed), the most
 * recently active first, each with its member count, last activity, title and topic. For signed-in callers.
 */
@Tag(name = "directory")
@Path("rooms")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class RoomsResource {

    private static final Logger LOG = Logger.getLogger(RoomsResource.class.getName());
    /** Rooms listed at most. */
    static final int LIMIT = 200;

    @Inject
    TokenService tokens;

    @Inject
    RoomStandings standings;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "listRooms", summary = "The room directory: public rooms, the most recently active first",
            description = "At most 200; a private room is never listed.")
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.SESSION_COOKIE))
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "200", description = "The public rooms",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = PublicRoom.class)))
    @APIResponse(responseCode = "401", description = "No session", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "The database does not answer; try again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    public Response list(@CookieParam(Credentials.COOKIE) String token) {
        if (request.getUserPrincipal() == null && tokens.verify(token).isEmpty()) {
            return SessionResource.error(Response.Status.UNAUTHORIZED, "unauthorized", "sign in first");
        }
        try {
            JsonArrayBuilder rooms = Json.createArrayBuilder();
            for (PublicRoom r : standings.publicRooms(LIMIT)) {
                JsonObjectBuilder o = Json.createObjectBuilder().add("room", r.room()).add("members", r.members());
                if (r.last() != null) {
                    o.add("last", MessageCodec.timestamp(r.last()));
                }
                if (r.title() != null) {
                    o.add("title", r.title());
                }
                if (r.topic() != null) {
                    o.add("topic", r.topic());
                }
                rooms.add(o);
            }
            return Response.ok(rooms.build().toString()).build();
        } catch (RoomStandings.Unavailable e) {
            LOG.warning("the room directory could not be read: " + e.getMessage());
            return SessionResource.error(Response.Status.SERVICE_UNAVAILABLE, "unavailable", "the directory could not be read; try again");
        }
    }
}
