package dev.switchboard.protocol;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The binary frame layout shared by chat attachments and binary topic events: a 2-byte big-endian header
 * length, a UTF-8 JSON object header, then the bytes.
 */
public final class BinaryFrames {

    private static final JsonProvider JSON = JsonProvider.provider();

    /** A decoded frame. */
    public record Frame(JsonObject header, byte[] bytes) {}

    private BinaryFrames() {}

    public static byte[] encode(JsonObject header, byte[] bytes) {
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        if (h.length > 0xFFFF) {
            throw new IllegalArgumentException("binary frame header over 65,535 bytes");
        }
        return ByteBuffer.allocate(2 + h.length + bytes.length).putShort((short) h.length).put(h).put(bytes).array();
    }

    /** The frame, or null when it is not in the layout (too short, or a header that is not a JSON object). */
    public static Frame decode(ByteBuffer data) {
        if (data.remaining() < 2) {
            return null;
        }
        int length = Short.toUnsignedInt(data.getShort());
        if (length > data.remaining()) {
            return null;
        }
        byte[] h = new byte[length];
        data.get(h);
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(h))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject o ? new Frame(o, bytes) : null;
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }
}
