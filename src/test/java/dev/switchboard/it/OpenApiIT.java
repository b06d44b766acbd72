package dev.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.web.OpenApiChecks;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document as the running server serves it, at {@code /switchboard/api/openapi}: it lists every operation
 * of every JAX-RS resource in the application's classes, valid OpenAPI 3, in YAML and JSON alike, with this deployment
 * as its server; and the server's own {@code /openapi} endpoint, on the host outside the context root, does not
 * publish this application's API.
 */
@ExtendWith(ArquillianExtension.class)
class OpenApiIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.war();
    }

    private static HttpResponse<String> get(URI uri, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return SessionApi.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServedDocumentDescribesEveryResource() throws Exception {
        HttpResponse<String> json = get(Deployments.http("/api/openapi?format=json"), null);
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), json.headers().toString());
        OpenApiChecks.assertDescribesEveryResource(json.body());
        assertEquals("/switchboard", SessionApi.json(json.body()).getJsonArray("servers").getJsonObject(0).getString("url"));
    }

    @Test
    void yamlByDefaultAndJsonByAcceptTheSameDocument() throws Exception {
        HttpResponse<String> yaml = get(Deployments.http("/api/openapi"), null);
        assertEquals(200, yaml.statusCode());
        assertTrue(yaml.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"), yaml.headers().toString());
        HttpResponse<String> json = get(Deployments.http("/api/openapi"), "application/json");
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), json.headers().toString());
        HttpResponse<String> yamlByAccept = get(Deployments.http("/api/openapi"), "application/yaml, application/json;q=0.5");
        assertTrue(yamlByAccept.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));

        HttpResponse<String> bad = get(Deployments.http("/api/openapi?format=xml"), null);
        assertEquals(400, bad.statusCode());
        assertEquals("bad_request", SessionApi.json(bad.body()).getString("error"));

        SwaggerParseResult fromYaml = new OpenAPIV3Parser().readContents(yaml.body());
        SwaggerParseResult fromJson = new OpenAPIV3Parser().readContents(json.body());
        assertEquals(List.of(), fromYaml.getMessages());
        assertEquals(fromJson.getOpenAPI(), fromYaml.getOpenAPI());
    }

    /**
     * Where it is not served: the server's own endpoint (WildFly skips the deployment, Payara does not scan it; without
     * {@code mp.openapi.scan.disable} Payara's lists every path of the application). Payara builds its document on
     * the first request, which on a loaded machine can outlast the ITs' 5 s idle timeout
     * ({@code switchboard.http.payara-timeout}) and get the connection closed: asked up to three times.
     */
    @Test
    void theServersOwnEndpointLeavesTheApplicationOut() throws Exception {
        URI endpoint = URI.create("http://127.0.0.1:" + Deployments.httpPort() + "/openapi");
        HttpResponse<String> own = null;
        for (int attempt = 1; own == null; attempt++) {
            try {
                own = get(endpoint, "application/json");
            } catch (IOException closed) {
                if (attempt == 3) {
                    throw closed;
                }
            }
        }
        assertFalse(own.statusCode() == 200 && own.body().contains("/api/session"),
                "the server's /openapi publishes the application: " + own.statusCode() + " " + own.body());
    }
}
