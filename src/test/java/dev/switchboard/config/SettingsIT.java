package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.it.Deployments;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A setting from the server's MicroProfile Config (the WAR's own {@code microprofile-config.properties}) takes effect, on both servers. */
@ExtendWith(ArquillianExtension.class)
class SettingsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        // the packaged file's lines, plus a setting no system property of the IT servers sets
        return Deployments.war().addAsResource(new StringAsset("mp.openapi.extensions.enabled=false\nmp.openapi.scan.disable=true\n"
                + Settings.MAX_PUBLISH_BYTES + "=16\n"), "META-INF/microprofile-config.properties");
    }

    private static int publish(String json) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(Deployments.http("/api/topics/it.settings")).timeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).header("Content-Type", "application/json")
                .header("Authorization", "Bearer it-publisher-key-0123456789") // arquillian.xml's switchboard.publisher.key
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void theLimitFromMicroProfileConfigAppliesInsteadOfTheDefault() throws Exception {
        assertEquals(202, publish("{\"data\":1}"), "10 bytes: under the configured 16");
        assertEquals(413, publish("{\"data\":\"seventeen\"}"), "20 bytes: over 16, far under the default 64 KiB");
    }
}
