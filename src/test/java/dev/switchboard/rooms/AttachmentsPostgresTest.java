package dev.switchboard.rooms;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.testing.TestPostgres;
import java.nio.file.Path;

/** Attachments on PostgreSQL, the cluster's shared database (the tests: {@link AttachmentsContract}). */
class AttachmentsPostgresTest extends AttachmentsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return HistoryDatabase.pooled(TestPostgres.fresh("files"), TestPostgres.user(), TestPostgres.password());
    }
}
