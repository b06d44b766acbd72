package dev.switchboard.delivery;

import dev.switchboard.protocol.ModerationAction;
import dev.switchboard.protocol.ServerMessage;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.time.Instant;

/**
 * The events a room or inbox keeps besides plain messages (moderation, edits, deletes, attachments, invitations).
 * Each is one row like a message: {@code mime} says which kind it is (a media type of our own) and the body is a small
 * JSON object; {@code from} is who did it and {@code to} whom it was done to. Stored that way they get a seq, replay,
 * recovery, retention and the cluster's doorbell exactly as messages do, with no table of their own.
 */
public final class StoredEvents {

    public static final String MODERATION = "application/vnd.switchboard.moderation+json";
    public static final String EDIT = "application/vnd.switchboard.edit+json";
    public static final String DELETE = "application/vnd.switchboard.delete+json";
    public static final String ATTACHMENT = "application/vnd.switchboard.attachment+json";
    public static final String INVITED = "application/vnd.switchboard.invited+json";
    /** An operator's system notice to a room (admin API). */
    public static final String NOTICE = "application/vnd.switchboard.notice+json";

    /** Where an attachment's bytes are served, relative to the application's base URL ({@code /switchboard/}). */
    public static final String FILE_URL = "api/files/";

    private static final JsonProvider JSON = JsonProvider.provider();

    private StoredEvents() {}

    /** A moderation event: {@code by} did {@code action} to {@code user} (null for a title). */
    public static HistoryStore.Draft moderation(String by, String user, ModerationAction action, String reason, Long seconds,
            String role, String title, String topic, String clientId, Instant ts) {
        JsonObjectBuilder b = JSON.createObjectBuilder().add("action", action.wire());
        addIfPresent(b, "reason", reason);
        if (seconds != null) {
            b.add("seconds", seconds);
        }
        addIfPresent(b, "role", role);
        addIfPresent(b, "title", title);
        addIfPresent(b, "topic", topic);
        return new HistoryStore.Draft(by, user, b.build().toString(), clientId, ts, MODERATION);
    }

    public static HistoryStore.Draft edit(String from, long of, String text, String clientId, Instant ts) {
        return new HistoryStore.Draft(from, null, JSON.createObjectBuilder().add("of", of).add("text", text).build().toString(),
                clientId, ts, EDIT);
    }

    public static HistoryStore.Draft delete(String by, long of, String clientId, Instant ts) {
        return new HistoryStore.Draft(by, null, JSON.createObjectBuilder().add("of", of).build().toString(), clientId, ts, DELETE);
    }

    public static HistoryStore.Draft attachment(String from, String file, String name, String mime, long size, String clientId,
            Instant ts) {
        return new HistoryStore.Draft(from, null, JSON.createObjectBuilder().add("file", file).add("name", name).add("mime", mime)
                .add("size", size).build().toString(), clientId, ts, ATTACHMENT);
    }

    /** An invitation into {@code room} from {@code by}, kept in the invitee's inbox. */
    public static HistoryStore.Draft invited(String by, String invitee, String room, Instant ts) {
        return new HistoryStore.Draft(by, invitee, JSON.createObjectBuilder().add("room", room).build().toString(), null, ts,
                INVITED);
    }

    /** An operator's system notice in a room, from {@code by}. */
    public static HistoryStore.Draft notice(String by, String text, Instant ts) {
        return new HistoryStore.Draft(by, null, JSON.createObjectBuilder().add("text", text).build().toString(), null, ts, NOTICE);
    }

    /** Whether a room's row is something a person said (a message or an attachment): what unread counts count. */
    public static boolean isSaid(StoredMessage m) {
        return m.mime() == null || ATTACHMENT.equals(m.mime());
    }

    /** The message an edit or delete refers to, or 0 for any other row. */
    public static long refersTo(StoredMessage m) {
        return EDIT.equals(m.mime()) || DELETE.equals(m.mime()) ? body(m).getJsonNumber("of").longValue() : 0;
    }

    /** The frame of a room's row that is not a plain message, or null for a plain message. */
    static ServerMessage roomFrame(String room, StoredMessage m) {
        if (m.mime() == null) {
            return null;
        }
        JsonObject b = body(m);
        return switch (m.mime()) {
            case MODERATION -> new ServerMessage.Moderation(room, m.seq(), ModerationAction.of(b.getString("action")), m.to(),
                    m.from(), string(b, "reason"), b.get("seconds") instanceof JsonNumber n ? n.longValue() : null,
                    string(b, "role"), string(b, "title"), string(b, "topic"), m.ts());
            case EDIT -> new ServerMessage.Edit(room, m.seq(), b.getJsonNumber("of").longValue(), m.from(), b.getString("text"),
                    m.ts(), m.clientId());
            case DELETE -> new ServerMessage.Delete(room, m.seq(), b.getJsonNumber("of").longValue(), m.from(), m.ts(), m.clientId());
            case ATTACHMENT -> new ServerMessage.Attachment(room, m.seq(), m.from(), b.getString("name"), b.getString("mime"),
                    b.getJsonNumber("size").longValue(), FILE_URL + b.getString("file"), m.ts(), m.clientId());
            case NOTICE -> new ServerMessage.Notice(room, m.seq(), b.getString("text"), m.from(), m.ts());
            default -> null;
        };
    }

    /** The frame of an inbox's row that is not a direct message, or null for a direct message. */
    static ServerMessage inboxFrame(StoredMessage m) {
        return INVITED.equals(m.mime()) ? new ServerMessage.Invited(m.seq(), body(m).getString("room"), m.from(), m.ts()) : null;
    }

    private static JsonObject body(StoredMessage m) {
        try (JsonReader r = JSON.createReader(new StringReader(m.text()))) {
            return r.readObject();
        }
    }

    private static String string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static void addIfPresent(JsonObjectBuilder b, String name, String value) {
        if (value != null) {
            b.add(name, value);
        }
    }
}
