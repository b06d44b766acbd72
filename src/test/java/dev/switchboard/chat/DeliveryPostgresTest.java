package dev.switchboard.chat;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Delivery end to end with the SQL store on PostgreSQL (the tests: {@link DeliveryContract}). */
class DeliveryPostgresTest extends DeliveryContract {

    /** The database of each place this test used: a fresh one per place. */
    private final Map<Path, String> urls = new ConcurrentHashMap<>();

    @Override
    protected HistoryDatabase database(Path place) {
        String url = urls.computeIfAbsent(place.toAbsolutePath(), p -> TestPostgres.fresh("delivery"));
        return HistoryDatabase.pooled(url, TestPostgres.user(), TestPostgres.password());
    }
}
