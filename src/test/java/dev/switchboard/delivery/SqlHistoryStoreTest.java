package dev.switchboard.delivery;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The SQL history store on an H2 file, as the server runs it by default (the tests: {@link SqlHistoryStoreContract}). */
class SqlHistoryStoreTest extends SqlHistoryStoreContract {

    @Override
    protected HistoryDatabase database(Path place) {
        return HistoryDatabase.h2(HistoryDatabase.defaultUrl(place), "", "");
    }

    @Override
    protected Connection rawConnection(Path place) throws SQLException {
        return DriverManager.getConnection(HistoryDatabase.defaultUrl(place), "", "");
    }
}
