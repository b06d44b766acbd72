package dev.switchboard.rooms;

import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;

/** Room standings on an H2 file, the server's default (the tests: {@link RoomStandingsContract}). */
class RoomStandingsH2Test extends RoomStandingsContract {

    @Override
    protected HistoryDatabase database(Path dir) {
        return HistoryDatabase.h2(HistoryDatabase.defaultUrl(dir), "", "");
    }
}
