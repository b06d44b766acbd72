package dev.switchboard.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/**
 * The decoding steps both endpoints' codecs share, so they agree on bad input: text to a JSON object, then typed
 * fields; a field that is missing or of the wrong kind becomes {@code bad_request} with the same message on both.
 */
final class Fields {

    private static final JsonProvider JSON = JsonProvider.provider();

    /** Longest epoch a client may send back; the server's are 12 characters. */
    static final int MAX_EPOCH_CHARS = 64;

    private Fields() {}

    /**
     * The JSON object of a client frame, or the {@code bad_request} it earns (not JSON, not an object, nesting or
     * numbers beyond the parser). Never throws.
     */
    static Object frame(String text) {
        try (JsonReader reader = JSON.createReader(new StringReader(text))) {
            JsonValue v = reader.readValue();
            return v instanceof JsonObject obj ? obj
                    : new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "a frame must be a JSON object", null);
        } catch (RuntimeException e) { // JsonException, nesting limits, number overflow
            return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, "malformed JSON", null);
        }
    }

    /** Decodes a frame with {@code body} (given the object and its id); every failure is a value. */
    static ClientMessage decode(String text, Body body) {
        Object parsed = frame(text);
        if (!(parsed instanceof JsonObject o)) {
            return (ClientMessage) parsed;
        }
        String id = null;
        try {
            id = optionalString(o, "id");
            return body.decode(o, requiredString(o, "type"), id);
        } catch (BadField e) {
            return new ClientMessage.Invalid(ErrorCode.BAD_REQUEST, e.getMessage(), id);
        }
    }

    /** One endpoint's dialect: the message a frame of this type is. */
    interface Body {
        ClientMessage decode(JsonObject o, String type, String id);
    }

    static ClientMessage unknownType(String type, String id) {
        return new ClientMessage.Invalid(ErrorCode.UNKNOWN_TYPE, "unknown type: " + clip(type, 40), id);
    }

    static String requiredString(JsonObject o, String name) {
        String s = optionalString(o, name);
        if (s == null) {
            throw new BadField("missing field: " + name);
        }
        return s;
    }

    static String optionalString(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw new BadField("field must be a string: " + name);
        }
        return s.getString();
    }

    /** A boolean field, false when absent. */
    static boolean optionalBoolean(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL || v.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        if (v.getValueType() != JsonValue.ValueType.TRUE) {
            throw new BadField("field must be true or false: " + name);
        }
        return true;
    }

    /** A message's seq: a whole number of at least 1. */
    static long requiredSeq(JsonObject o) {
        Long seq = optionalCount(o, "seq", Long.MAX_VALUE);
        if (seq == null) {
            throw new BadField("missing field: seq");
        }
        if (seq < 1) {
            throw new BadField("field out of range: seq");
        }
        return seq;
    }

    /** An epoch sent back with {@code since}: a string of at most {@link #MAX_EPOCH_CHARS}, or null. */
    static String optionalEpoch(JsonObject o) {
        String epoch = optionalString(o, "epoch");
        if (epoch != null && (epoch.isEmpty() || epoch.length() > MAX_EPOCH_CHARS)) {
            throw new BadField("field out of range: epoch");
        }
        return epoch;
    }

    /** A non-negative whole number no larger than {@code max}, or null when absent. */
    static Long optionalCount(JsonObject o, String name, long max) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw new BadField("field must be a whole number: " + name);
        }
        long value;
        try {
            value = n.longValueExact();
        } catch (ArithmeticException e) {
            throw new BadField("field out of range: " + name);
        }
        if (value < 0 || value > max) {
            throw new BadField("field out of range: " + name);
        }
        return value;
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** A field that is missing or of the wrong kind; becomes {@code bad_request}. */
    static final class BadField extends RuntimeException {
        BadField(String message) {
            super(message, null, false, false);
        }
    }
}
