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

    public static int httpPort() {
        // in the client JVM: the build's it.port.offset; inside the server (in-container tests): its own port offset
        return 8080 + Integer.getInteger("it.port.offset", Integer.getInteger("jboss.socket.binding.port-offset", 10000));
    }

    public static URI http(String path) {
        return URI.create("http://127.0.0.1:" + httpPort() + "/switchboard" + path);
    }

    public static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + httpPort() + "/switchboard" + path);
    }
}
