package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

/**
 * A bean that keeps its data in the deployment's one database: it opens the shared {@link HistoryDatabase} when the
 * container creates it and gives it back when the container destroys it (the database closes with its last user).
 * Outside a container the caller hands it a database, which the caller closes, or none (kept in memory, where the
 * subclass offers that).
 */
public abstract class DatabaseUser {

    private Settings settings;
    /** Null until opened, or for a bean outside a container given none. */
    protected HistoryDatabase database;

    protected DatabaseUser() {} // for CDI proxies

    /** In a container: the database the settings name, opened with the bean. */
    protected DatabaseUser(Settings settings) {
        this.settings = settings;
    }

    /** Outside a container: {@code database} (the caller closes it), or null. */
    protected DatabaseUser(HistoryDatabase database) {
        this.database = database;
    }

    @PostConstruct
    protected void openDatabase() {
        if (settings != null) {
            database = HistoryDatabase.open(settings);
        }
    }

    @PreDestroy
    protected void closeDatabase() {
        if (settings != null && database != null) {
            database.close();
        }
    }
}
