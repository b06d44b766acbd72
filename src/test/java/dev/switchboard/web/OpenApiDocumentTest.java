package dev.switchboard.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the build generated (process-classes) and {@link OpenApiDocument} serves: complete and valid
 * ({@link OpenApiChecks}), the same in YAML and JSON, with the deployment's context root as its server. The in-server
 * check of the served document is {@code OpenApiIT}.
 */
class OpenApiDocumentTest {

    private final OpenApiDocument document = new OpenApiDocument();

    @Test
    void describesEveryResourceAndIsValidOpenApi3() {
        String json = document.json("/switchboard");
        OpenApiChecks.assertDescribesEveryResource(json);
        JsonObject doc = parse(json);
        assertEquals("3.0.3", doc.getString("openapi"), "3.0.x: what client generators support best");
        assertEquals("Switchboard HTTP API", doc.getJsonObject("info").getString("title"));
        assertTrue(doc.getJsonObject("info").getString("version").matches("\\d+\\.\\d+\\.\\d+.*"),
                "the project's version: " + doc.getJsonObject("info"));
    }

    @Test
    void theServerIsTheContextRootTheDocumentIsServedUnder() {
        assertEquals("/switchboard", server(parse(document.json("/switchboard"))));
        assertEquals("/chat", server(parse(document.json("/chat"))));
        assertEquals("/", server(parse(document.json(""))), "the root context");
    }

    @Test
    void yamlAndJsonAreTheSameDocument() {
        for (String context : new String[] {"/switchboard", ""}) {
            // swagger-parser reads both forms as OpenAPI Generator would (snakeyaml alone would take the YAML's
            // unquoted date-time examples for timestamps); its models compare by value
            SwaggerParseResult yaml = new OpenAPIV3Parser().readContents(document.yaml(context));
            SwaggerParseResult json = new OpenAPIV3Parser().readContents(document.json(context));
            assertEquals(List.of(), yaml.getMessages());
            assertEquals(OpenApiDocument.serverUrl(context), yaml.getOpenAPI().getServers().get(0).getUrl());
            assertEquals(json.getOpenAPI(), yaml.getOpenAPI());
        }
    }

    /** The checks themselves: a resource the document leaves out, or an operation without a summary, fails. */
    @Test
    void anUndocumentedResourceFailsTheCheck() {
        JsonObject doc = parse(document.json("/switchboard"));
        JsonObject withoutRooms = Json.createObjectBuilder(doc)
                .add("paths", Json.createObjectBuilder(doc.getJsonObject("paths")).remove("/api/rooms")).build();
        AssertionError missing = assertThrows(AssertionError.class,
                () -> OpenApiChecks.assertDescribesEveryResource(withoutRooms.toString()));
        assertTrue(missing.getMessage().contains("GET /api/rooms: a resource method the document does not list"),
                missing.getMessage());

        JsonObject users = doc.getJsonObject("paths").getJsonObject("/api/users/{name}");
        JsonObject get = Json.createObjectBuilder(users.getJsonObject("get")).remove("summary").remove("operationId").build();
        JsonObject withoutSummary = Json.createObjectBuilder(doc).add("paths", Json.createObjectBuilder(doc.getJsonObject("paths"))
                .add("/api/users/{name}", Json.createObjectBuilder(users).add("get", get))).build();
        AssertionError undocumented = assertThrows(AssertionError.class,
                () -> OpenApiChecks.assertDescribesEveryResource(withoutSummary.toString()));
        assertTrue(undocumented.getMessage().contains("GET /api/users/{name}: no summary"), undocumented.getMessage());
        assertTrue(undocumented.getMessage().contains("GET /api/users/{name}: no operationId"), undocumented.getMessage());
    }

    @Test
    void resourcesAreFoundByTheirAnnotations() {
        var endpoints = ApiResources.endpoints();
        assertTrue(endpoints.contains(new ApiResources.Endpoint("POST", "/api/topics/{topic}")), endpoints.toString());
        assertTrue(endpoints.contains(new ApiResources.Endpoint("DELETE", "/api/session")), endpoints.toString());
        assertEquals("/api/files/{id}", ApiResources.join("/api", "files/{id: [a-z0-9]+}", ""));
    }

    private static String server(JsonObject doc) {
        return doc.getJsonArray("servers").getJsonObject(0).getString("url");
    }

    private static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
