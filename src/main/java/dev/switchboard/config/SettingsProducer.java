package dev.switchboard.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.logging.Logger;

/**
 * Makes {@link Settings} injectable: loaded once, from MicroProfile Config where the server has it, else
 * system properties and the environment, and at deployment, so a bad value fails the deployment.
 */
@ApplicationScoped
public class SettingsProducer {

    private static final Logger LOG = Logger.getLogger(SettingsProducer.class.getName());

    @Produces
    @Singleton
    Settings settings() {
        SettingSource source = SettingSource.server();
        try {
            Settings settings = Settings.load(source);
            LOG.info(() -> "settings read from " + source + "; set: " + settings.configured() + ", the rest default");
            return settings;
        } catch (InvalidSettingsException e) {
            LOG.severe(() -> "invalid settings, the application does not start: " + e.getMessage());
            throw e;
        }
    }

    /** Builds the settings as the application starts, not at their first use: a bad value fails the deployment. */
    void checkAtDeployment(@Observes @Initialized(ApplicationScoped.class) Object started, Settings settings) {
        settings.configured(); // a call, so it is built here even if it were ever given a normal scope (a proxy)
    }
}
