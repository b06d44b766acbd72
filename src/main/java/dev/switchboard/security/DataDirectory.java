package dev.switchboard.security;

import dev.switchboard.config.Settings;
import java.nio.file.Path;

/** Where Switchboard keeps files: {@code switchboard.data.dir}, else the server's data directory, else {@code ~/.switchboard}. */
public final class DataDirectory {

    private DataDirectory() {}

    public static Path of(Settings settings) {
        return settings.raw(Settings.DATA_DIR).map(Path::of).orElseGet(() -> {
            String server = System.getProperty("jboss.server.data.dir"); // WildFly
            if (server == null) {
                server = durable(System.getProperty("com.sun.aas.instanceRoot")); // Payara
            }
            return server != null ? Path.of(server, "switchboard")
                    : Path.of(System.getProperty("user.home"), ".switchboard");
        });
    }

    /** Payara Micro without {@code --rootdir} runs from a fresh temporary directory: nothing kept there survives a restart. */
    private static String durable(String instanceRoot) {
        if (instanceRoot == null) {
            return null;
        }
        Path root = Path.of(instanceRoot).toAbsolutePath().normalize();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        return root.startsWith(tmp) ? null : instanceRoot;
    }
}
