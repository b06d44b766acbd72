package dev.switchboard.it;

import java.io.File;
import java.net.URI;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The one deployment every IT uses: the WAR the build just packaged, exactly as users get it. */
public final class Deployments {

    /** The token secret the managed server is started with (arquillian.xml). */
    public static final String SECRET = "integration-test-secret-0123456789";

    private Deployments() {}

    public static WebArchive war() {
        File war = new File(System.getProperty("it.war", "target/switchboard.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /**
     * The active server's HTTP port, on the client and inside the server alike: {@code it.http.port} when the
     * run sets it (Payara Micro, client and server JVM), else WildFly's 8080 plus its port offset
     * ({@code it.port.offset} on the client, {@code jboss.socket.binding.port-offset} inside WildFly).
     */
    public static int httpPort() {
        Integer explicit = Integer.getInteger("it.http.port"); // Payara's run, test side and in the server
        if (explicit != null) {
            return explicit;
        }
        // in WildFly (in-container tests) the offset is the server's own port offset
        return 8080 + Integer.getInteger("it.port.offset", Integer.getInteger("jboss.socket.binding.port-offset", 10000));
    }

    public static URI http(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + "/switchboard" + path);
    }

    public static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + httpPort() + "/switchboard" + path);
    }
}
