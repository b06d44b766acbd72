package dev.switchboard.web;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.chat.UserDirectory;
import dev.switchboard.config.Settings;
import dev.switchboard.security.Accounts;
import dev.switchboard.security.Credentials;
import dev.switchboard.security.GuestNames;
import dev.switchboard.security.GuestSessions;
import dev.switchboard.security.Role;
import dev.switchboard.security.Token;
import dev.switchboard.security.TokenCaller;
import dev.switchboard.security.TokenService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.websocket.CloseReason;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code /api/session}: sign in (a signed token, also set as an HttpOnly SameSite=Strict cookie), ask
 * who you are, sign out. A container login wins over the name asked for; guest names are allowed only
 * in guest mode, and a guest's token is good only while its claim on the name is current (see
 * {@link GuestSessions}): signing out ends the claim.
 */
@Tag(name = "session")
@Path("session")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    private static final Logger LOG = Logger.getLogger(SessionResource.class.getName());
    /** The reason a guest's open connections are closed with, on every node, when it signs out (1008, as for an expired token). */
    static final String SIGNED_OUT = "signed out";

    @Inject
    TokenService tokens;

    @Inject
    GuestSessions guests;

    @Inject
    FanOut fanOut;

    @Inject
    Accounts accounts;

    @Inject
    UserDirectory users;

    @Inject
    Settings settings;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "signIn", summary = "Sign in: a session token, also set as the cookie sb_token",
            description = "A container login or an identity provider's access token (Authorization: Bearer) names the user,"
                    + " and the body is ignored; otherwise, in guest mode, the body's name is claimed as a guest's.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SignIn")))
    @SecurityRequirementsSet
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "200", description = "Signed in",
            headers = @Header(name = "Set-Cookie", description = "sb_token=…; Path=<context root>; HttpOnly; SameSite=Strict",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Session")))
    @APIResponse(responseCode = "400", description = "Not JSON, or the name does not match [A-Za-z0-9_.-]{1,32}", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "401", description = "Guest mode is off and nothing authenticated the caller", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "409", description = "Another guest, or an account, holds the name", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "The claim could not be decided; nothing is held, try again",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)), content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    public Response signIn(String body, @CookieParam(Credentials.COOKIE) String current) {
        Token token;
        Optional<Token> caller = TokenCaller.tokenOf(request);
        String bearerValue = Credentials.bearer(Collections.list(request.getHeaders("Authorization")));
        Optional<Token> bearer = caller.filter(t -> t.value().equals(bearerValue));
        if (bearer.isPresent()) { // an identity provider's access token: exchanged for a cookie of its user and roles
            token = tokens.exchange(bearer.get());
            if (!token.expires().isAfter(Instant.now())) { // accepted within the clock skew, but nothing left to issue
                return error(Response.Status.UNAUTHORIZED, "unauthorized", "the access token has expired");
            }
            accounts.signedIn(token.user());
        } else if (request.getUserPrincipal() != null && caller.isEmpty()) { // the container's login
            accounts.signedIn(request.getUserPrincipal().getName()); // no guest may take an account's name
            token = tokens.issue(request.getUserPrincipal().getName());
        } else if (!settings.guestsAllowed()) {
            return error(Response.Status.UNAUTHORIZED, "unauthorized", "guest mode is off: sign in with the server first");
        } else {
            Optional<String> name = nameFrom(body);
            if (name.isEmpty() || !TokenService.USER_NAME.matcher(name.get()).matches()) {
                return error(Response.Status.BAD_REQUEST, "bad_request", "name must match [A-Za-z0-9_.-]{1,32}");
            }
            GuestSessions.Outcome outcome = guests.signIn(name.get(), tokens.verify(current));
            Response refused = switch (outcome.status()) {
                case SIGNED_IN -> null;
                case TAKEN -> error(Response.Status.CONFLICT, "conflict", outcome.reason());
                case UNAVAILABLE -> unavailable(outcome.reason() + ": try again shortly");
            };
            if (refused != null) {
                return refused;
            }
            token = outcome.token();
        }
        String user = token.user();
        users.remember(user);
        LOG.fine(() -> "session for " + user + " until " + token.expires());
        JsonObject out = Json.createObjectBuilder().add("user", user).add("token", token.value())
                .add("expires", token.expires().toString()).add("roles", roles(token.roles())).build();
        return Response.ok(out.toString()).header("Set-Cookie", cookie(token.value(),
                Duration.between(Instant.now(), token.expires()).getSeconds())).build();
    }

    @Operation(operationId = "whoAmI", summary = "Who the session (or the container login) is")
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.SESSION_COOKIE))
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "200", description = "Signed in",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "WhoAmI")))
    @APIResponse(responseCode = "401", description = "No valid session", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    public Response whoAmI(@CookieParam(Credentials.COOKIE) String current) {
        Optional<Token> bearer = TokenCaller.tokenOf(request);
        if (request.getUserPrincipal() != null && bearer.isEmpty()) {
            accounts.signedIn(request.getUserPrincipal().getName());
            return Response.ok(Json.createObjectBuilder().add("user", request.getUserPrincipal().getName())
                    .add("roles", roles(Role.granted(request::isUserInRole))).build().toString()).build();
        }
        return bearer.or(() -> tokens.verify(current))
                .map(t -> Response.ok(Json.createObjectBuilder().add("user", t.user())
                        .add("expires", t.expires().toString()).add("roles", roles(t.roles())).build().toString()).build())
                .orElseGet(() -> error(Response.Status.UNAUTHORIZED, "unauthorized", "no session"));
    }

    /**
     * Signs out: a guest's claim ends (its tokens are refused from now on, its name is free) and its open connections
     * on this node are closed, so they do not follow the inbox of the name's next holder.
     */
    @Operation(operationId = "signOut", summary = "Sign out: clears the cookie; a guest's claim on its name ends",
            description = "A guest's tokens are refused from then on, and its connections on every node close with 1008"
                    + " \"signed out\".")
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.SESSION_COOKIE))
    @APIResponse(responseCode = "204", description = "Signed out (also without a session)",
            headers = @Header(name = "Set-Cookie", description = "sb_token=; Max-Age=0", schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "503", description = "The claim could not be released; the cookie stays, try again",
            headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)), content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @DELETE
    public Response signOut(@CookieParam(Credentials.COOKIE) String current) {
        Optional<Token> token = tokens.verify(current).filter(Token::guest);
        if (token.isPresent()) {
            try {
                guests.signOut(token.get());
            } catch (GuestNames.Unavailable e) { // the claim stays, and the cookie: the caller may try again
                LOG.warning(() -> "sign-out of " + token.get().user() + " failed: " + e.getMessage());
                return unavailable("could not sign out: try again shortly");
            }
            fanOut.disconnectEverywhere(token.get().user(), SIGNED_OUT);
        }
        return Response.noContent().header("Set-Cookie", cookie("", 0)).build();
    }

    private static JsonArrayBuilder roles(Set<Role> roles) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (Role r : Role.values()) {
            if (roles.contains(r)) {
                out.add(r.wire());
            }
        }
        return out;
    }

    private String cookie(String value, long maxAgeSeconds) {
        String path = request.getContextPath().isEmpty() ? "/" : request.getContextPath();
        return Credentials.COOKIE + "=" + value + "; Path=" + path + "; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Strict" + (request.isSecure() ? "; Secure" : "");
    }

    private static Optional<String> nameFrom(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            if (reader.readValue() instanceof JsonObject o && o.get("name") instanceof JsonString s) {
                return Optional.of(s.getString());
            }
            return Optional.empty();
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** 503 with {@code Retry-After: 1}: nothing was changed, asking again may work. */
    private static Response unavailable(String message) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON).header("Retry-After", "1")
                .entity(Json.createObjectBuilder().add("error", "unavailable").add("message", message).build().toString())
                .build();
    }

    static Response error(Response.Status status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.createObjectBuilder().add("error", code).add("message", message).build().toString())
                .build();
    }
}
