package dev.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** Signs in through {@code POST /api/session}, as the pages do. */
public final class SessionApi {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SessionApi() {}

    public static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return post(Deployments.http("/api/session"), body);
    }

    private static HttpResponse<String> post(URI session, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(session).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A fresh guest session; returns its token. */
    public static String token(String name) throws IOException, InterruptedException {
        return token(Deployments.http("/api/session"), name);
    }

    /**
     * A fresh guest session at the given {@code /api/session} (another deployment's: a guest's claim is kept in the
     * history database of the deployment that granted it, so its token is good there); returns its token.
     */
    public static String token(URI session, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = post(session, "{\"name\":\"" + name + "\"}");
        if (r.statusCode() != 200) {
            throw new AssertionError("sign-in as " + name + " failed: " + r.statusCode() + " " + r.body());
        }
        return json(r.body()).getString("token");
    }

    /** A user name no other test has used in this server's life (names are held until their token expires). */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static JsonObject json(String body) {
        return Json.createReader(new StringReader(body)).readObject();
    }
}
