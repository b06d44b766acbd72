package dev.switchboard.security;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Guest claims on PostgreSQL, the cluster's shared database (the tests: {@link GuestNamesContract}). */
class GuestNamesPostgresTest extends GuestNamesContract {

    /** The database of each place this test used: a fresh one per place. */
    private final Map<Path, String> urls = new ConcurrentHashMap<>();

    @Override
    protected HistoryDatabase database(Path place) {
        String url = urls.computeIfAbsent(place.toAbsolutePath(), p -> TestPostgres.fresh("guests"));
        return HistoryDatabase.pooled(url, TestPostgres.user(), TestPostgres.password());
    }
}
