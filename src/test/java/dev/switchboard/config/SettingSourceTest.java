package dev.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where settings come from: system properties, the environment's spelling, and MicroProfile Config only where it works. */
class SettingSourceTest {

    @Test
    void environmentVariablesAreSpelledAsMicroProfileConfigSpellsThem() {
        assertEquals("SWITCHBOARD_TOKEN_SECRET", SettingSource.environmentName(Settings.TOKEN_SECRET));
        assertEquals("SWITCHBOARD_LIMITS_CONNECTIONS_USER", SettingSource.environmentName(Settings.CONNECTIONS_PER_USER));
    }

    @Test
    void systemReadsThePropertyElseTheEnvironmentVariable() {
        System.setProperty(Settings.MAX_PUBLISH_BYTES, "1234");
        try {
            assertEquals(Optional.of("1234"), SettingSource.system().value(Settings.MAX_PUBLISH_BYTES));
            assertEquals(1234, Settings.fromEnvironment().maxPublishBytes());
        } finally {
            System.clearProperty(Settings.MAX_PUBLISH_BYTES);
        }
        // no property "path": the variable PATH, spelled by the same rule as SWITCHBOARD_TOKEN_SECRET
        assertNull(System.getProperty("path"));
        assertNotNull(System.getenv("PATH"));
        assertEquals(Optional.of(System.getenv("PATH")), SettingSource.system().value("path"));
    }

    @Test
    void serverFallsBackToSystemWhereMicroProfileConfigHasNoImplementation() {
        // the test class path has the API (provided scope) but no implementation: ConfigProvider throws
        SettingSource source = SettingSource.server();
        assertTrue(source.toString().startsWith("system properties, environment (MicroProfile Config unavailable"), source.toString());
        System.setProperty(Settings.MAX_PUBLISH_BYTES, "4321");
        try {
            assertEquals(4321, Settings.load(source).maxPublishBytes());
        } finally {
            System.clearProperty(Settings.MAX_PUBLISH_BYTES);
        }
    }

    @Test
    void serverFallsBackToSystemWhereMicroProfileConfigIsAbsent() throws Exception {
        // only the application's classes, on the JDK alone: no org.eclipse.microprofile.config (as on standalone.xml)
        URL classes = SettingSource.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader app = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> isolated = app.loadClass(SettingSource.class.getName());
            Object source = isolated.getMethod("server").invoke(null);
            assertEquals("system properties, environment (no MicroProfile Config)", source.toString());
            Method value = isolated.getMethod("value", String.class);
            assertEquals(Optional.of(System.getProperty("java.version")), value.invoke(source, "java.version"));
        }
    }

    @Test
    void orElseAsksTheNextSourceOnlyForWhatTheFirstLacks() {
        SettingSource first = SettingSource.of("first", key -> key.equals("a") ? Optional.of("1") : Optional.empty());
        SettingSource both = first.orElse(SettingSource.of("second", key -> Optional.of("2")));
        assertEquals(Optional.of("1"), both.value("a"));
        assertEquals(Optional.of("2"), both.value("b"));
        assertEquals("first, then second", both.toString());
    }
}
