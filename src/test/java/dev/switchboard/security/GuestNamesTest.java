package dev.switchboard.security;

import dev.switchboard.delivery.HistoryDatabase;
import java.nio.file.Path;

/** Guest claims on an H2 file, as the server keeps them by default (the tests: {@link GuestNamesContract}). */
class GuestNamesTest extends GuestNamesContract {

    @Override
    protected HistoryDatabase database(Path place) {
        return HistoryDatabase.h2(HistoryDatabase.defaultUrl(place), "", "");
    }
}
