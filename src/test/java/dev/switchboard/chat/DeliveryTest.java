package dev.switchboard.chat;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.InMemoryHistoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Delivery end to end with the SQL store on an H2 file, the server's default (the tests: {@link DeliveryContract}). */
class DeliveryTest extends DeliveryContract {

    @Override
    protected HistoryDatabase database(Path place) {
        return HistoryDatabase.h2(HistoryDatabase.defaultUrl(place), "", "");
    }

    @Test
    void joiningWithSinceWhileMessagesFlowHasNoGapAndNoDuplicateOnTheMemoryStore() throws Exception {
        joiningWithSinceWhileMessagesFlow(new InMemoryHistoryStore(1000));
    }
}
