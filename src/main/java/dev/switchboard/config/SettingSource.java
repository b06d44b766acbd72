package dev.switchboard.config;

import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.function.Function;

/** Where setting values come from: one lookup per key, made when {@link Settings} is loaded. */
public final class SettingSource {

    private static final String MP_CONFIG = "org.eclipse.microprofile.config.ConfigProvider";

    private final String description;
    private final Function<String, Optional<String>> lookup;

    private SettingSource(String description, Function<String, Optional<String>> lookup) {
        this.description = description;
        this.lookup = lookup;
    }

    public static SettingSource of(String description, Function<String, Optional<String>> lookup) {
        return new SettingSource(description, lookup);
    }

    /** The system property of the key's name, else the environment variable ({@code SWITCHBOARD_TOKEN_SECRET}). */
    public static SettingSource system() {
        return of("system properties, environment",
                key -> Optional.ofNullable(System.getProperty(key)).or(() -> Optional.ofNullable(System.getenv(environmentName(key)))));
    }

    /**
     * The server's MicroProfile Config (its own sources, {@code META-INF/microprofile-config.properties},
     * system properties and the environment), then {@link #system()}; only {@link #system()} where the
     * server has no MicroProfile Config (in-process tests, WildFly's {@code standalone.xml}).
     */
    public static SettingSource server() {
        SettingSource system = system();
        try {
            Class.forName(MP_CONFIG, false, SettingSource.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return of(system.description + " (no MicroProfile Config)", system.lookup);
        }
        try {
            return MicroProfileConfig.source().orElse(system);
        } catch (LinkageError | IllegalStateException | ServiceConfigurationError e) {
            // the API without an implementation: ConfigProvider throws IllegalStateException
            return of(system.description + " (MicroProfile Config unavailable: " + e + ")", system.lookup);
        }
    }

    /** The environment variable for a key, as MicroProfile Config spells it: {@code switchboard.token.secret} → {@code SWITCHBOARD_TOKEN_SECRET}. */
    public static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** This source's value for a key, else the next source's. */
    public SettingSource orElse(SettingSource next) {
        return of(description + ", then " + next.description, key -> value(key).or(() -> next.value(key)));
    }

    /** The key's value, if this source has one. */
    public Optional<String> value(String key) {
        return lookup.apply(key);
    }

    @Override
    public String toString() {
        return description;
    }
}
