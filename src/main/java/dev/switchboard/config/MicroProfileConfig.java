package dev.switchboard.config;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** The application's MicroProfile Config as a {@link SettingSource}; the one class that links to its API, loaded only where it exists. */
final class MicroProfileConfig {

    private MicroProfileConfig() {}

    static SettingSource source() {
        Config config = ConfigProvider.getConfig();
        return SettingSource.of("MicroProfile Config", key -> config.getOptionalValue(key, String.class));
    }
}
