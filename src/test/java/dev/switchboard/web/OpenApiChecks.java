package dev.switchboard.web;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every OpenAPI document of the application must satisfy, wherever it was fetched: a valid OpenAPI 3 document
 * (swagger-parser, the parser OpenAPI Generator uses), exactly the operations of {@link ApiResources} (a resource
 * without its description fails), each with a unique operationId, a summary, a declared tag and described
 * responses, every reference and security scheme defined, and a server.
 */
public final class OpenApiChecks {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private OpenApiChecks() {}

    /** Throws an {@link AssertionError} listing every problem of the JSON document {@code json}. */
    public static void assertDescribesEveryResource(String json) {
        List<String> problems = new ArrayList<>();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(json, null, options);
        if (parsed.getOpenAPI() == null) {
            problems.add("not an OpenAPI document");
        }
        if (parsed.getMessages() != null) {
            parsed.getMessages().forEach(m -> problems.add("validator: " + m));
        }
        JsonObject doc;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            doc = reader.readObject();
        }
        if (!doc.getString("openapi", "").startsWith("3.")) {
            problems.add("openapi is not 3.x: " + doc.get("openapi"));
        }
        if (doc.getJsonArray("servers") == null || doc.getJsonArray("servers").isEmpty()) {
            problems.add("no servers");
        }
        JsonObject components = doc.getJsonObject("components");
        Set<String> tags = new HashSet<>();
        if (doc.getJsonArray("tags") != null) {
            doc.getJsonArray("tags").forEach(t -> tags.add(t.asJsonObject().getString("name")));
        }
        Set<String> schemes = components != null && components.getJsonObject("securitySchemes") != null
                ? components.getJsonObject("securitySchemes").keySet() : Set.of();

        Set<ApiResources.Endpoint> documented = new TreeSet<>();
        Set<String> operationIds = new HashSet<>();
        JsonObject paths = doc.getJsonObject("paths");
        for (String path : paths == null ? Set.<String>of() : paths.keySet()) {
            for (var e : paths.getJsonObject(path).entrySet()) {
                if (!HTTP_METHODS.contains(e.getKey())) {
                    continue;
                }
                ApiResources.Endpoint endpoint = new ApiResources.Endpoint(e.getKey().toUpperCase(Locale.ROOT), path);
                documented.add(endpoint);
                JsonObject op = e.getValue().asJsonObject();
                String id = op.getString("operationId", "");
                if (id.isBlank()) {
                    problems.add(endpoint + ": no operationId");
                } else if (!operationIds.add(id)) {
                    problems.add(endpoint + ": operationId " + id + " used twice");
                }
                if (op.getString("summary", "").isBlank()) {
                    problems.add(endpoint + ": no summary (@Operation)");
                }
                JsonArray opTags = op.getJsonArray("tags");
                if (opTags == null || opTags.isEmpty()) {
                    problems.add(endpoint + ": no tag (@Tag)");
                } else {
                    opTags.getValuesAs(JsonString.class).stream().map(JsonString::getString).filter(t -> !tags.contains(t))
                            .forEach(t -> problems.add(endpoint + ": tag " + t + " is not declared with a description"));
                }
                JsonObject responses = op.getJsonObject("responses");
                if (responses == null || responses.isEmpty()) {
                    problems.add(endpoint + ": no responses");
                } else {
                    responses.forEach((code, r) -> {
                        if (r.asJsonObject().getString("description", "").isBlank()) {
                            problems.add(endpoint + " " + code + ": no description");
                        }
                    });
                }
                JsonArray security = op.getJsonArray("security");
                if (security != null) {
                    security.forEach(s -> s.asJsonObject().keySet().stream().filter(n -> !schemes.contains(n))
                            .forEach(n -> problems.add(endpoint + ": unknown security scheme " + n)));
                }
            }
        }
        Set<ApiResources.Endpoint> resources = ApiResources.endpoints();
        for (ApiResources.Endpoint r : resources) {
            if (!documented.contains(r)) {
                problems.add(r + ": a resource method the document does not list");
            }
        }
        for (ApiResources.Endpoint d : documented) {
            if (!resources.contains(d)) {
                problems.add(d + ": listed, but no resource method answers it");
            }
        }
        references(doc, components, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError("the OpenAPI document is incomplete or invalid:\n  " + String.join("\n  ", problems));
        }
    }

    /** Every {@code $ref} names a schema the document defines. */
    private static void references(JsonValue value, JsonObject components, List<String> problems) {
        if (value instanceof JsonObject o) {
            o.forEach((k, v) -> {
                if (k.equals("$ref") && v instanceof JsonString ref) {
                    String prefix = "#/components/schemas/";
                    String name = ref.getString().startsWith(prefix) ? ref.getString().substring(prefix.length()) : null;
                    if (name == null || components == null || components.getJsonObject("schemas") == null
                            || !components.getJsonObject("schemas").containsKey(name)) {
                        problems.add("unresolved reference " + ref.getString());
                    }
                } else {
                    references(v, components, problems);
                }
            });
        } else if (value instanceof JsonArray a) {
            a.forEach(v -> references(v, components, problems));
        }
    }
}
