package dev.switchboard.chat;

import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;

/** Memberships in memory, as the in-process test server keeps them (the tests: {@link MembershipsContract}). */
class MembershipsTest extends MembershipsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return null;
    }
}
