package dev.switchboard.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI document of {@code /api}, as the build generated it from the resources' annotations
 * ({@code openapi.json} and {@code openapi.yaml} next to this class), with the one thing only the deployment knows
 * added: {@code servers}, the context root it runs under, relative to the host, so the same document is right behind
 * any proxy or host name. Each form is built once per context root.
 */
@ApplicationScoped
public class OpenApiDocument {

    /** The generated files, on the class path next to this class. */
    static final String JSON_FILE = "openapi.json";
    static final String YAML_FILE = "openapi.yaml";

    private final Map<String, String> json = new ConcurrentHashMap<>();
    private final Map<String, String> yaml = new ConcurrentHashMap<>();

    /** The document as JSON, for an application served at {@code contextPath} ("" for the root). */
    public String json(String contextPath) {
        return json.computeIfAbsent(contextPath, c -> {
            try (JsonReader reader = Json.createReader(new StringReader(generated(JSON_FILE)))) {
                JsonObject doc = reader.readObject();
                return Json.createObjectBuilder(doc).add("servers", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("url", serverUrl(c)).add("description", DESCRIPTION))).build()
                        .toString();
            }
        });
    }

    /** The document as YAML, for an application served at {@code contextPath} ("" for the root). */
    public String yaml(String contextPath) {
        return yaml.computeIfAbsent(contextPath, c -> {
            String doc = generated(YAML_FILE);
            // a top-level key appended to the generated mapping (which has no servers); JSON strings are YAML scalars
            return (doc.endsWith("\n") ? doc : doc + "\n") + "servers:\n- url: " + Json.createValue(serverUrl(c))
                    + "\n  description: " + Json.createValue(DESCRIPTION) + "\n";
        });
    }

    private static final String DESCRIPTION = "This deployment (the document's own host)";

    /** A host-relative URL: the context root, or "/" for the root context. */
    static String serverUrl(String contextPath) {
        return contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
    }

    private static String generated(String file) {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(file)) {
            if (in == null) { // the build's smallrye-open-api-maven-plugin writes it: a WAR without it is a broken build
                throw new IllegalStateException(file + " is not in the WAR; build it with Maven (process-classes)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
