package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.it.Deployments;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.ShouldThrowException;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/** A bad setting fails the deployment, with a log line naming it (WildFly, whose log this test can read). */
@ExtendWith(ArquillianExtension.class)
@EnabledIfSystemProperty(named = "arquillian.launch", matches = "servers")
class InvalidSettingsIT {

    /** Unique per run: the server's log outlives runs. */
    private static final String BAD = "fast-" + System.currentTimeMillis();

    @Deployment(testable = false)
    @ShouldThrowException(DeploymentException.class)
    static WebArchive deployment() {
        return Deployments.war().addAsResource(new StringAsset("mp.openapi.extensions.enabled=false\nmp.openapi.scan.disable=true\n"
                + Settings.RATE + "=" + BAD + "\n"), "META-INF/microprofile-config.properties");
    }

    @Test
    void theDeploymentFailsNamingTheSettingAndNothingIsServed() throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(Deployments.http("/api/session"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(404, r.statusCode());
        String log = Files.readString(Path.of(System.getProperty("it.base.dir"), "log", "server.log"));
        assertTrue(log.contains("switchboard.limits.rate=" + BAD + ": expected a positive integer"), "the server log names the setting");
    }
}
