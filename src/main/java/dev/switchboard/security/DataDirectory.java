package dev.switchboard.security;

import dev.switchboard.config.Settings;
import java.nio.file.Path;

/** Where Switchboard keeps files: {@code switchboard.data.dir}, else the server's data directory. */
public final class DataDirectory {

    private DataDirectory() {}

    public static Path of(Settings settings) {
        return settings.raw(Settings.DATA_DIR).map(Path::of).orElseGet(() -> {
            String server = System.getProperty("jboss.server.data.dir"); // WildFly
            if (server == null) {
                server = System.getProperty("com.sun.aas.instanceRoot"); // Payara
            }
            return server != null ? Path.of(server, "switchboard")
                    : Path.of(System.getProperty("user.home"), ".switchboard");
        });
    }
}
