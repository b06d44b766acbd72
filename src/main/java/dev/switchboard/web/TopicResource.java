package dev.switchboard.web;

import dev.switchboard.config.Settings;
import dev.switchboard.topics.TopicNames;
import dev.switchboard.topics.TopicService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * {@code POST /api/topics/{topic}}: publish {@code {"data":…}} (or, with any other content type, the
 * body's bytes as a binary event) for a publisher: {@code Authorization: Bearer <switchboard.publisher.key>}
 * or the container role {@code publisher}. No credential → 401; a wrong key or a login without the
 * role → 403; bad topic or body → 400; over {@code switchboard.limits.publish} → 413; {@code logs.*}
 * (fed by the server itself) → 403. Success → {@code 202 {"topic","seq"}}.
 */
@Tag(name = "topics")
@Path("topics/{topic}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class TopicResource {

    private static final JsonProvider JSON = JsonProvider.provider(); // the lookup is slow: once

    public static final String PUBLISHER_ROLE = "publisher";
    /** How long a publish waits for the store before answering 503. */
    static final int STORE_TIMEOUT_SECONDS = 10;
    private static final Logger LOG = Logger.getLogger(TopicResource.class.getName());

    @Inject
    TopicService topics;

    @Inject
    Settings settings;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "publish", summary = "Publish one event to a topic",
            description = "A JSON body {\"data\": …} publishes data; a body of any other content type is published as a"
                    + " binary event of that type. Answered once the event is stored, so its seq is final.")
    @RequestBody(required = true, content = {
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Publish")),
            @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.PUBLISHER_KEY))
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "202", description = "Stored and published",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Published")))
    @APIResponse(responseCode = "400", description = "Invalid topic name (wildcards included), or a JSON body without data", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "401", description = "No credential",
            headers = @Header(name = "WWW-Authenticate", description = "Bearer realm=\"switchboard\"",
                    schema = @Schema(type = SchemaType.STRING)), content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "403", description = "Not the publisher key, a login without the role publisher, or a logs.* topic", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "413", description = "Body over switchboard.limits.publish bytes", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "Not stored within 10 s; publish it again", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @POST
    public Response publish(@PathParam("topic") String topic, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) throws IOException {
        Response refused = authorize(authorization);
        if (refused != null) {
            return refused;
        }
        if (!TopicNames.isTopic(topic)) {
            return SessionResource.error(Response.Status.BAD_REQUEST, "bad_request",
                    "invalid topic name (segments [A-Za-z0-9_-] separated by dots, no wildcards)");
        }
        if (TopicService.LOGS.equals(TopicNames.root(topic))) {
            return SessionResource.error(Response.Status.FORBIDDEN, "forbidden", "logs.* is fed by the server itself");
        }
        int limit = settings.maxPublishBytes();
        if (request.getContentLengthLong() > limit) {
            return tooLarge(limit);
        }
        byte[] bytes = body == null ? new byte[0] : body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            return tooLarge(limit);
        }
        CompletionStage<Long> stored;
        String mime = contentType == null ? null : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (mime == null || mime.isEmpty() || mime.equals(MediaType.APPLICATION_JSON)) {
            JsonValue data = dataOf(bytes);
            if (data == null) {
                return SessionResource.error(Response.Status.BAD_REQUEST, "bad_request", "body must be {\"data\": any JSON value}");
            }
            stored = topics.publish(topic, data);
        } else {
            stored = topics.publishBytes(topic, mime, bytes);
        }
        long seq;
        try { // the store commits in milliseconds (group commit); the answer carries the seq it assigned
            seq = stored.toCompletableFuture().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return notStored(topic, e);
        } catch (ExecutionException | TimeoutException e) {
            return notStored(topic, e);
        }
        return Response.accepted(JSON.createObjectBuilder().add("topic", topic).add("seq", seq).build().toString()).build();
    }

    private static Response notStored(String topic, Exception e) {
        LOG.warning(() -> "publish to " + topic + " not stored: " + e);
        return SessionResource.error(Response.Status.SERVICE_UNAVAILABLE, "unavailable", "not stored; publish it again");
    }

    /** Null when the caller may publish, else the refusal. */
    private Response authorize(String authorization) {
        if (request.getUserPrincipal() != null && request.isUserInRole(PUBLISHER_ROLE)) {
            return null;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (request.getUserPrincipal() != null) {
                return SessionResource.error(Response.Status.FORBIDDEN, "forbidden", "needs the publisher role");
            }
            return Response.fromResponse(SessionResource.error(Response.Status.UNAUTHORIZED, "unauthorized",
                    "publishing needs Authorization: Bearer <publisher key>"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"switchboard\"").build();
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = settings.publisherKey()
                .map(key -> MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), given)).orElse(false);
        if (!ok) {
            LOG.info(() -> "publish refused (403, wrong publisher key) from " + request.getRemoteAddr());
            return SessionResource.error(Response.Status.FORBIDDEN, "forbidden", "not a publisher key");
        }
        return null;
    }

    private static JsonValue dataOf(byte[] bytes) {
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(bytes))) {
            if (reader.readValue() instanceof JsonObject o && o.containsKey("data")) {
                return o.get("data");
            }
            return null;
        } catch (RuntimeException e) { // malformed JSON, nesting limits
            return null;
        }
    }

    /**
     * The body is not read to its end, so the connection is closed after the answer: a container that waits
     * for the rest of the body (Payara's Grizzly does) would otherwise never deliver the 413.
     */
    private static Response tooLarge(int limit) {
        Response r = SessionResource.error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "too_large",
                "a publish body may have at most " + limit + " bytes");
        return Response.fromResponse(r).header("Connection", "close").build();
    }
}
