package dev.switchboard.rooms;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;

/** Room standings on PostgreSQL, the cluster's shared database (the tests: {@link RoomStandingsContract}). */
class RoomStandingsPostgresTest extends RoomStandingsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return HistoryDatabase.pooled(TestPostgres.fresh("standings"), TestPostgres.user(), TestPostgres.password());
    }
}
