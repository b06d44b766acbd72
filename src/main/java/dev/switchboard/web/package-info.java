/**
 * The HTTP API under {@code /api} (JAX-RS resources) and its OpenAPI description: this package's definition says what
 * the document says about the whole API (title, tags, the ways to authenticate, the named JSON shapes the resources
 * answer, which they write by hand); each resource's annotations describe its operations. The build
 * (smallrye-open-api-maven-plugin) turns them into the document {@link dev.switchboard.web.OpenApiResource} serves;
 * its version is the project's, set by the build. Names used in both places are in {@link OpenApiDefinition}.
 */
@OpenAPIDefinition(
        info = @Info(title = "Switchboard HTTP API", version = "set by the build",
                description = "The HTTP side of Switchboard: sign-in, publishing to topics, the room and user directories,"
                        + " attachments, health and metrics. The real-time protocol itself runs over WebSocket"
                        + " (/ws/chat, /ws/topics) and is described in docs/protocol.md. Paths are relative to the"
                        + " application's context root, which `servers` names."),
        tags = {
                @Tag(name = "session", description = "Sign in (guest name, container login or identity-provider token), who am I, sign out"),
                @Tag(name = "directory", description = "Users and public rooms, for signed-in callers"),
                @Tag(name = "files", description = "Attachments sent in chat rooms"),
                @Tag(name = "topics", description = "Publishing to subscription topics over HTTP"),
                @Tag(name = "operations", description = "Health, metrics and this document"),
                @Tag(name = "admin", description = "Operators only (the operator role, or a name in switchboard.operators):"
                        + " connections, disconnects, closing rooms, notices; on every node of a cluster")},
        components = @Components(
                securitySchemes = {
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.SESSION_COOKIE, type = SecuritySchemeType.APIKEY,
                                in = SecuritySchemeIn.COOKIE, apiKeyName = "sb_token",
                                description = "The session token POST /api/session sets as an HttpOnly cookie"),
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.PUBLISHER_KEY, type = SecuritySchemeType.HTTP,
                                scheme = "bearer",
                                description = "Authorization: Bearer <switchboard.publisher.key> (or a container login"
                                        + " with the role publisher)"),
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.IDENTITY_PROVIDER, type = SecuritySchemeType.HTTP,
                                scheme = "bearer", bearerFormat = "JWT",
                                description = "An access token from the organisation's OpenID Connect provider: exchanged"
                                        + " by POST /api/session for the session cookie, or sent with any call; its roles"
                                        + " (operator, publisher) count as the container's")},
                schemas = {
                        @Schema(name = OpenApiDefinition.ERROR, type = SchemaType.OBJECT, requiredProperties = {"error", "message"},
                                description = "Every refusal of the HTTP API",
                                properties = {
                                        @SchemaProperty(name = "error", type = SchemaType.STRING,
                                                enumeration = {"bad_request", "unauthorized", "forbidden", "not_found",
                                                        "conflict", "too_large", "unavailable", "not_acceptable"},
                                                description = "What kind of refusal; a client switches on this"),
                                        @SchemaProperty(name = "message", type = SchemaType.STRING,
                                                description = "For people, not for parsing")}),
                        @Schema(name = "SignIn", type = SchemaType.OBJECT,
                                description = "A guest's sign-in; ignored when the container or an identity-provider token"
                                        + " has authenticated the caller",
                                properties = @SchemaProperty(name = "name", type = SchemaType.STRING,
                                        pattern = "^[A-Za-z0-9_.-]{1,32}$", example = "alice")),
                        @Schema(name = "Session", type = SchemaType.OBJECT, requiredProperties = {"user", "token", "expires"},
                                properties = {
                                        @SchemaProperty(name = "user", type = SchemaType.STRING, example = "alice"),
                                        @SchemaProperty(name = "token", type = SchemaType.STRING,
                                                description = "Also set as the cookie sb_token; pass it as ?token= on a"
                                                        + " WebSocket handshake"),
                                        @SchemaProperty(name = "expires", type = SchemaType.STRING, format = "date-time"),
                                        @SchemaProperty(name = "roles", type = SchemaType.ARRAY, implementation = String.class,
                                                description = "The server roles: operator, publisher, moderator")}),
                        @Schema(name = "WhoAmI", type = SchemaType.OBJECT, requiredProperties = "user",
                                properties = {
                                        @SchemaProperty(name = "user", type = SchemaType.STRING, example = "alice"),
                                        @SchemaProperty(name = "expires", type = SchemaType.STRING, format = "date-time",
                                                description = "Absent for a container login"),
                                        @SchemaProperty(name = "roles", type = SchemaType.ARRAY, implementation = String.class,
                                                description = "The server roles: operator, publisher, moderator")}),
                        @Schema(name = "User", type = SchemaType.OBJECT, requiredProperties = "user",
                                properties = @SchemaProperty(name = "user", type = SchemaType.STRING, example = "bob")),
                        @Schema(name = "Published", type = SchemaType.OBJECT, requiredProperties = {"topic", "seq"},
                                properties = {
                                        @SchemaProperty(name = "topic", type = SchemaType.STRING, example = "orders.eu"),
                                        @SchemaProperty(name = "seq", type = SchemaType.INTEGER, format = "int64",
                                                description = "The event's final sequence number in its topic")}),
                        @Schema(name = "Publish", type = SchemaType.OBJECT, requiredProperties = "data",
                                properties = @SchemaProperty(name = "data",
                                        description = "Any JSON value; subscribers receive it as the event's data")),
                        @Schema(name = "Health", type = SchemaType.OBJECT, requiredProperties = {"status"},
                                properties = {
                                        @SchemaProperty(name = "status", type = SchemaType.STRING, enumeration = {"UP", "DOWN"}),
                                        @SchemaProperty(name = "connections", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "draining", type = SchemaType.BOOLEAN,
                                                description = "The application is going away (undeploy or shutdown)"),
                                        @SchemaProperty(name = "history", type = SchemaType.STRING,
                                                enumeration = {"reachable", "unreachable", "closing"}),
                                        @SchemaProperty(name = "backplane", type = SchemaType.STRING,
                                                description = "ok, or why this cluster node does not hear the others")}),
                        @Schema(name = "Metrics", type = SchemaType.OBJECT,
                                description = "Counters since start and rates; closes maps a close code to its count",
                                properties = {
                                        @SchemaProperty(name = "connections", type = SchemaType.INTEGER),
                                        @SchemaProperty(name = "users", type = SchemaType.INTEGER),
                                        @SchemaProperty(name = "streams", type = SchemaType.INTEGER),
                                        @SchemaProperty(name = "follows", type = SchemaType.INTEGER),
                                        @SchemaProperty(name = "messagesIn", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "messagesOut", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "inPerSecond", type = SchemaType.NUMBER),
                                        @SchemaProperty(name = "outPerSecond", type = SchemaType.NUMBER),
                                        @SchemaProperty(name = "queuedBytes", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "rateLimited", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "overloaded", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "stored", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "storeTransactions", type = SchemaType.INTEGER, format = "int64"),
                                        @SchemaProperty(name = "closes", type = SchemaType.OBJECT,
                                                description = "Close code → how many connections closed with it")})}))
package dev.switchboard.web;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
