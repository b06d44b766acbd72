package dev.switchboard.rooms;

import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;

/** Attachments on an H2 file, the server's default (the tests: {@link AttachmentsContract}). */
class AttachmentsH2Test extends AttachmentsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", "");
    }
}
