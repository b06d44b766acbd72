package dev.switchboard.web;

import dev.switchboard.admin.AdminService;
import dev.switchboard.admin.ConnectionInfo;
import dev.switchboard.admin.OperatorCheck;
import dev.switchboard.security.Credentials;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * {@code /api/admin}: the operators' API (see {@link AdminService}); who is one is {@link OperatorCheck}'s to say.
 * 401 without an identity, 403 for anyone else, 400 for bad input, 404 for an unknown room, 409 for a room already in
 * the state asked for (or closed, for a notice), 503 when the database or store did not answer; errors are
 * {@code {"error", "message"}}.
 */
@Tag(name = "admin")
@SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.SESSION_COOKIE))
@SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
@APIResponse(responseCode = "401", description = "No identity (or a forged one)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
@APIResponse(responseCode = "403", description = "Not an operator", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
@Path("admin")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class.getName());

    @Inject
    OperatorCheck operators;

    @Inject
    AdminService admin;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "adminListConnections", summary = "A user's connections on every node: node, id, address,"
            + " since, endpoint, rooms, topics; nodes that did not answer within 2 s are listed as missing")
    @APIResponse(responseCode = "200", description = "The connections, the nodes that answered and those missing", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Not a user name", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "The nodes could not be asked; try again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    @Path("users/{user}/connections")
    public Response connections(@PathParam("user") String user, @CookieParam(Credentials.COOKIE) String cookie) {
        return asOperator(cookie, by -> {
            AdminService.UserConnections found;
            try {
                found = admin.connections(user, by);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return SessionResource.error(Response.Status.SERVICE_UNAVAILABLE, "unavailable", "interrupted");
            }
            JsonArrayBuilder list = Json.createArrayBuilder();
            found.connections().stream().map(ConnectionInfo::json).forEach(list::add);
            return Response.ok(Json.createObjectBuilder().add("user", found.user()).add("connections", list)
                    .add("nodes", strings(found.nodes())).add("missing", strings(found.missing())).build().toString()).build();
        });
    }

    /** Closes the user's connections on every node (1008 with the reason); {@code {"reason"}} is optional. */
    @Operation(operationId = "adminDisconnectUser", summary = "Closes every connection of the user on every node"
            + " (1008 with the reason); not a ban")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.OBJECT, properties = @SchemaProperty(name = "reason", type = SchemaType.STRING,
                    description = "Shown to the user with the close (at most 123 bytes)"))))
    @APIResponse(responseCode = "202", description = "Asked of every node", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Not a user name, or a bad body", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    @Path("users/{user}/disconnect")
    public Response disconnect(@PathParam("user") String user, String body, @CookieParam(Credentials.COOKIE) String cookie) {
        return asOperator(cookie, by -> {
            String reason = admin.disconnect(user, field(body, "reason", false), by);
            return Response.accepted(Json.createObjectBuilder().add("user", user).add("reason", reason).build().toString()).build();
        });
    }

    /** Closes a room; {@code {"reason"}} is optional. */
    @Operation(operationId = "adminCloseRoom", summary = "Closes a room: everyone in it leaves, joins and sends are"
            + " refused with room_closed until it is reopened")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.OBJECT, properties = @SchemaProperty(name = "reason", type = SchemaType.STRING,
                    description = "Why, shown to the members"))))
    @APIResponse(responseCode = "200", description = "Closed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Not a room name, or a bad body", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "404", description = "No such room", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "409", description = "Closed already", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "The database does not answer; try again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    @Path("rooms/{room}/close")
    public Response close(@PathParam("room") String room, String body, @CookieParam(Credentials.COOKIE) String cookie) {
        return asOperator(cookie, by -> roomOutcome(room, admin.closeRoom(room, field(body, "reason", false), by), "closed",
                room + " is closed already"));
    }

    @Operation(operationId = "adminReopenRoom", summary = "Reopens a closed room as it was (members, roles, history)")
    @APIResponse(responseCode = "200", description = "Open again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Not a room name", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "404", description = "No such room", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "409", description = "Not closed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "The database does not answer; try again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    @Path("rooms/{room}/reopen")
    public Response reopen(@PathParam("room") String room, @CookieParam(Credentials.COOKIE) String cookie) {
        return asOperator(cookie, by -> roomOutcome(room, admin.reopenRoom(room, by), "open", room + " is not closed"));
    }

    /** A notice kept in the room's history: {@code {"text"}}; answers its seq. */
    @Operation(operationId = "adminNoticeToRoom", summary = "A system notice kept in the room's history")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.OBJECT, properties = @SchemaProperty(name = "text", type = SchemaType.STRING,
                    description = "The notice"))))
    @APIResponse(responseCode = "200", description = "Stored: its room and seq", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "No text, or not a room name", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "404", description = "No such room", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "409", description = "The room is closed", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "Not stored; send it again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    @Path("rooms/{room}/notices")
    public Response noticeToRoom(@PathParam("room") String room, String body, @CookieParam(Credentials.COOKIE) String cookie) {
        return asOperator(cookie, by -> {
            AdminService.Posted posted;
            try {
                posted = admin.noticeToRoom(room, field(body, "text", true), by);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return SessionResource.error(Response.Status.SERVICE_UNAVAILABLE, "unavailable", "interrupted");
            }
            if (posted.outcome() != AdminService.Outcome.DONE) {
                return roomOutcome(room, posted.outcome(), null, room + " is closed");
            }
            return Response.ok(Json.createObjectBuilder().add("room", room).add("seq", posted.seq()).build().toString()).build();
        });
    }

    /** A live notice to every connection on every node: {@code {"text"}}. */
    @Operation(operationId = "adminNoticeToEveryone", summary = "A live notice to every connection on every node (not stored)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(type = SchemaType.OBJECT, properties = @SchemaProperty(name = "text", type = SchemaType.STRING,
                    description = "The notice"))))
    @APIResponse(responseCode = "202", description = "Sent to every node", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "No text", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    @Path("notices")
    public Response noticeToEveryone(String body, @CookieParam(Credentials.COOKIE) String cookie) {
        return asOperator(cookie, by -> {
            admin.noticeToEveryone(field(body, "text", true), by);
            return Response.accepted("{}").build();
        });
    }

    /** Runs {@code action} for an operator; answers 401 or 403 (logged) for anyone else, and maps the service's refusals. */
    private Response asOperator(String cookie, Function<OperatorCheck.Caller, Response> action) {
        OperatorCheck.Caller caller = operators.caller(request, cookie);
        if (caller.anonymous()) {
            LOG.info(() -> "admin: refused " + request.getMethod() + " " + request.getRequestURI() + " to " + caller + ": no identity");
            return SessionResource.error(Response.Status.UNAUTHORIZED, "unauthorized", "sign in as an operator first");
        }
        if (!caller.operator()) {
            LOG.warning(() -> "admin: refused " + request.getMethod() + " " + request.getRequestURI() + " to " + caller + ": not an operator");
            return SessionResource.error(Response.Status.FORBIDDEN, "forbidden", "operators only");
        }
        try {
            return action.apply(caller);
        } catch (AdminService.BadInput e) {
            return SessionResource.error(Response.Status.BAD_REQUEST, "bad_request", e.getMessage());
        } catch (AdminService.Unavailable e) {
            return SessionResource.error(Response.Status.SERVICE_UNAVAILABLE, "unavailable", e.getMessage());
        }
    }

    private static Response roomOutcome(String room, AdminService.Outcome outcome, String state, String conflict) {
        return switch (outcome) {
            case DONE -> Response.ok(Json.createObjectBuilder().add("room", room).add("state", state).build().toString()).build();
            case NO_SUCH_ROOM -> SessionResource.error(Response.Status.NOT_FOUND, "not_found", "no room " + room);
            case CONFLICT -> SessionResource.error(Response.Status.CONFLICT, "conflict", conflict);
        };
    }

    /** A string field of the JSON body; absent (null) when allowed, else, or for a body that is not such JSON, 400. */
    private static String field(String body, String name, boolean required) {
        if (body == null || body.isBlank()) {
            if (required) {
                throw new AdminService.BadInput("body must be {\"" + name + "\": \"...\"}");
            }
            return null;
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            if (reader.readValue() instanceof JsonObject o) {
                JsonValue v = o.get(name);
                if (v instanceof JsonString s) {
                    return s.getString();
                }
                if (v == null && !required) {
                    return null;
                }
            }
        } catch (JsonException | IllegalStateException e) {
            // answered below
        }
        throw new AdminService.BadInput("body must be {\"" + name + "\": \"...\"}");
    }

    private static JsonArrayBuilder strings(List<String> values) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        values.forEach(a::add);
        return a;
    }
}
