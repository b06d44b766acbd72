package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.Settings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The default data directory is durable on WildFly, Payara Server and Payara Micro alike. */
class DataDirectoryTest {

    private static final String WILDFLY = "jboss.server.data.dir";
    private static final String PAYARA = "com.sun.aas.instanceRoot";

    @AfterEach
    void clear() {
        System.clearProperty(WILDFLY);
        System.clearProperty(PAYARA);
    }

    @Test
    void explicitSettingWins() {
        System.setProperty(WILDFLY, "/srv/wildfly/data");
        assertEquals(Path.of("/data/sb"), DataDirectory.of(Settings.of(Map.of(Settings.DATA_DIR, "/data/sb"))));
    }

    @Test
    void wildflyDataDirectory() {
        System.setProperty(WILDFLY, "/srv/wildfly/data");
        assertEquals(Path.of("/srv/wildfly/data", "switchboard"), DataDirectory.of(Settings.of(Map.of())));
    }

    @Test
    void payaraInstanceRootWhenItIsDurable() {
        System.setProperty(PAYARA, "/srv/payara/root");
        assertEquals(Path.of("/srv/payara/root", "switchboard"), DataDirectory.of(Settings.of(Map.of())));
    }

    @Test
    void payaraMicroTemporaryRuntimeDirectoryIsNotUsed() {
        System.setProperty(PAYARA, Path.of(System.getProperty("java.io.tmpdir"), "payaramicro-rt123tmp").toString());
        assertEquals(Path.of(System.getProperty("user.home"), ".switchboard"), DataDirectory.of(Settings.of(Map.of())));
    }
}
