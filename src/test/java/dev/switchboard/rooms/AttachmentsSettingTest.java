package dev.switchboard.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.config.InvalidSettingsException;
import dev.switchboard.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-room quota of attachments is a setting, checked at deploy like the other limits. */
class AttachmentsSettingTest {

    @Test
    void theQuotaIs100MiBUnlessSet() {
        assertEquals(104_857_600L, Settings.of(Map.of()).attachmentRoomQuotaBytes());
        assertEquals(104_857_600L, new Attachments(Settings.of(Map.of())).roomQuotaBytes());
        Settings small = Settings.of(Map.of("switchboard.attachments.room-quota-bytes", "4096"));
        assertEquals(4096L, new Attachments(small).roomQuotaBytes());
    }

    @Test
    void aQuotaThatIsNotAPositiveIntegerFailsTheSettings() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> Settings.of(Map.of(Settings.ATTACHMENTS_ROOM_QUOTA, "0")));
        assertEquals("switchboard.attachments.room-quota-bytes=0: expected a positive integer", e.getMessage());
        assertThrows(InvalidSettingsException.class, () -> Settings.of(Map.of(Settings.ATTACHMENTS_ROOM_QUOTA, "100MiB")));
    }
}
