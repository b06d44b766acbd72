package dev.switchboard.chat;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;

/** Memberships on PostgreSQL, the cluster's shared database (the tests: {@link MembershipsContract}). */
class MembershipsPostgresTest extends MembershipsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return HistoryDatabase.pooled(TestPostgres.fresh("members"), TestPostgres.user(), TestPostgres.password());
    }
}
