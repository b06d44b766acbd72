package dev.switchboard.web;

import dev.switchboard.rooms.Attachments;
import dev.switchboard.security.Credentials;
import dev.switchboard.security.Token;
import dev.switchboard.security.TokenService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /api/files/{id}}: an attachment's bytes (kept by {@link Attachments}) for a signed-in caller who may read
 * its room; for anyone else 404, the same as for no file, so ids cannot be probed. The bytes are whatever a user sent,
 * served from the chat's own origin: only plain raster images are shown inline; every other type (HTML, SVG with its
 * scripts, anything) is a download, never sniffed, and sandboxed by its CSP should a browser render it anyway.
 */
@Tag(name = "files")
@Path("files/{id}")
@RequestScoped
public class FileResource {

    private static final Logger LOG = Logger.getLogger(FileResource.class.getName());
    /** Types a browser shows as a picture and nothing else (not SVG: a document that may run scripts). */
    static final Set<String> INLINE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
    /** A media type without parameters, as the chat endpoint accepts it; any other stored value is served as bytes. */
    private static final Pattern MIME = Pattern.compile("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}");
    private static final String OCTET_STREAM = "application/octet-stream";
    /** RFC 5987 {@code attr-char}: what a {@code filename*} value may hold unencoded. */
    private static final String ATTR_CHARS = "!#$&+-.^_`|~";

    @Inject
    TokenService tokens;

    @Inject
    Attachments attachments;

    @Context
    HttpServletRequest request;

    @Operation(operationId = "getFile", summary = "An attachment's bytes, for a caller who may read its room",
            description = "PNG, JPEG, GIF and WebP are served inline, every other type as a download (Content-Disposition),"
                    + " never sniffed (X-Content-Type-Options: nosniff) and sandboxed (Content-Security-Policy).")
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.SESSION_COOKIE))
    @SecurityRequirementsSet(@SecurityRequirement(name = OpenApiDefinition.IDENTITY_PROVIDER))
    @APIResponse(responseCode = "200", description = "The file, with the type it was sent with",
            headers = @Header(name = "Content-Disposition", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = "*/*", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "401", description = "No session", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "404", description = "No such file, or one the caller may not read (alike, so ids cannot be probed)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @APIResponse(responseCode = "503", description = "The database does not answer; try again", headers = @Header(name = "Retry-After", schema = @Schema(type = SchemaType.INTEGER)), content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = OpenApiDefinition.ERROR)))
    @GET
    public Response file(@PathParam("id") String id, @CookieParam(Credentials.COOKIE) String token) {
        Optional<String> user = request.getUserPrincipal() != null ? Optional.of(request.getUserPrincipal().getName())
                : tokens.verify(token).map(Token::user);
        if (user.isEmpty()) {
            return SessionResource.error(Response.Status.UNAUTHORIZED, "unauthorized", "sign in first");
        }
        Optional<Attachments.File> file;
        try {
            file = attachments.find(id).filter(f -> attachments.mayRead(f, user.get()));
        } catch (Attachments.Unavailable e) {
            LOG.warning(() -> "file " + id + " for " + user.get() + ": " + e.getMessage());
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.APPLICATION_JSON).header("Retry-After", "1")
                    .entity(Json.createObjectBuilder().add("error", "unavailable").add("message", "try again shortly").build().toString())
                    .build();
        }
        if (file.isEmpty()) {
            return SessionResource.error(Response.Status.NOT_FOUND, "not_found", "no file " + id);
        }
        Attachments.File f = file.get();
        Response.ResponseBuilder ok = Response.ok(f.bytes());
        headers(f.name(), f.mime(), f.bytes().length).forEach((name, value) -> {
            if (name.equals("Content-Type")) {
                ok.type(value); // the entity's type, which also picks how JAX-RS writes it
            } else {
                ok.header(name, value);
            }
        });
        return ok.build();
    }

    /**
     * The response headers of a file, in order: its type (as stored when it is a plain {@code type/subtype}, else
     * {@code application/octet-stream}), length, how to show it ({@link #disposition}), and what a browser must not do
     * with it: sniff another type, run anything in it, keep it in a shared cache (the bytes under an id never change).
     */
    static Map<String, String> headers(String name, String mime, long length) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", servedType(mime));
        h.put("Content-Length", Long.toString(length));
        h.put("Content-Disposition", disposition(name, mime));
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Content-Security-Policy", "default-src 'none'; sandbox");
        h.put("Cache-Control", "private, max-age=31536000, immutable");
        return h;
    }

    /** The stored type, lower-cased, when it is a plain {@code type/subtype}; else {@code application/octet-stream}. */
    static String servedType(String mime) {
        return mime != null && MIME.matcher(mime).matches() ? mime.toLowerCase(Locale.ROOT) : OCTET_STREAM;
    }

    /**
     * {@code Content-Disposition} per RFC 6266: {@code inline} for PNG, JPEG, GIF and WebP images, {@code attachment}
     * for every other type; the name as {@code filename="…"} in printable ASCII for old clients (anything else
     * becomes {@code _}, and so do quotes, backslashes and {@code %}, which some clients take for an escape: RFC 6266
     * appendix D), and exactly as {@code filename*=UTF-8''…} (RFC 5987 percent-encoding), which browsers prefer.
     */
    static String disposition(String name, String mime) {
        String type = INLINE.contains(servedType(mime)) ? "inline" : "attachment";
        String n = name == null || name.isBlank() ? "file" : name;
        return type + "; filename=\"" + asciiFallback(n) + "\"; filename*=UTF-8''" + percentEncoded(n);
    }

    private static String asciiFallback(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(cp -> out.append(cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\' && cp != '%' ? (char) cp : '_'));
        return out.toString();
    }

    private static String percentEncoded(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || ATTR_CHARS.indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
