package dev.switchboard.chat;

import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;

/** Memberships on an H2 file, the server's default (the tests: {@link MembershipsContract}). */
class MembershipsH2Test extends MembershipsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", "");
    }
}
