package dev.switchboard.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The opening handshake's own headers (RFC 6455 §4.2.1, §4.4), checked for an upgrade request before
 * its Origin or identity: a pure function, so it is tested without a container.
 */
public final class HandshakeRules {

    /** The only WebSocket version spoken (RFC 6455). */
    public static final String VERSION = "13";
    public static final String VERSION_HEADER = "Sec-WebSocket-Version";
    public static final String KEY_HEADER = "Sec-WebSocket-Key";

    /** The canonical base64 of 16 bytes: 22 characters, the last with 4 zero bits, and {@code ==}. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9+/]{21}[AQgw]==");

    /** Why a handshake is refused: the status, the JSON error body, extra headers, and the phrase for the log. */
    public record Refusal(int status, String error, String message, Map<String, String> headers, String reason) {}

    private HandshakeRules() {}

    /**
     * The version first: a client of another version learns (426, {@code Sec-WebSocket-Version: 13}) which
     * one to retry with, and its key need not follow version 13's rules. Then the key: exactly one, the
     * base64 of 16 bytes, else 400. Each argument holds every value of its header, in request order.
     */
    public static Optional<Refusal> check(List<String> versions, List<String> keys) {
        if (versions.size() != 1 || !VERSION.equals(versions.get(0).trim())) {
            String got = versions.isEmpty() ? "missing" : printable(String.join(", ", versions)) + " not supported";
            return Optional.of(new Refusal(426, "unsupported_version", "only WebSocket version 13 is supported",
                    Map.of(VERSION_HEADER, VERSION, "Upgrade", "websocket", "Connection", "Upgrade"),
                    VERSION_HEADER + " " + got));
        }
        if (keys.size() != 1 || !KEY.matcher(keys.get(0).trim()).matches()) {
            String got = keys.isEmpty() ? "missing" : keys.size() > 1 ? "repeated" : "malformed";
            return Optional.of(new Refusal(400, "bad_request", KEY_HEADER + " must be the base64 of 16 bytes", Map.of(),
                    KEY_HEADER + " " + got));
        }
        return Optional.empty();
    }

    /** At most 20 printable ASCII characters of a client's value, for the log. */
    private static String printable(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 20 ? clean.substring(0, 20) + "…" : clean;
    }
}
