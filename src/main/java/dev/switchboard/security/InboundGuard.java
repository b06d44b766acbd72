package dev.switchboard.security;

import dev.switchboard.config.Settings;
import dev.switchboard.protocol.ErrorCode;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.CloseCodes;
import dev.switchboard.socket.Connection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.logging.Logger;

/**
 * What every endpoint does with an inbound frame before decoding it: size limit (close 1009, enforced
 * here because Undertow 2.3 has not always enforced its own), then the rate limit ({@code rate_limited},
 * and 1008 when flooding). Also marks the peer as alive for the heartbeat.
 */
@ApplicationScoped
public class InboundGuard {

    private static final Logger LOG = Logger.getLogger(InboundGuard.class.getName());

    private Settings settings;
    private RateLimiter limiter;

    protected InboundGuard() {} // for CDI proxies

    @Inject
    public InboundGuard(Settings settings, RateLimiter limiter) {
        this.settings = settings;
        this.limiter = limiter;
    }

    /**
     * The whole text message once its last part has arrived, else null. The container hands text over in parts
     * (a partial handler), so a frame whose header claims more than the limit is closed with 1009 as soon as the
     * parts received exceed it, instead of being buffered by the container. A message in one part, the usual
     * case, is returned as it is: no copy. Parts count in chars here (never more than its UTF-8 bytes);
     * {@link #admitText} checks the bytes of the whole.
     */
    public String assemble(Connection c, String part, boolean last) {
        Assembly a = (Assembly) c.inbound();
        StringBuilder parts = a == null ? null : a.parts;
        if (parts == null && last) {
            return part;
        }
        int limit = settings.maxFrameBytes();
        int sofar = (parts == null ? 0 : parts.length()) + part.length();
        if (sofar > limit) {
            if (a != null) {
                a.parts = null;
            }
            c.traffic().received();
            refuse(c, CloseCodes.TOO_BIG, "text message over " + limit + " bytes (still arriving)");
            return null;
        }
        if (a == null) {
            c.inbound(a = new Assembly());
        }
        if (parts == null) {
            a.parts = parts = new StringBuilder(Math.max(16, sofar * 2));
        }
        parts.append(part);
        if (!last) {
            return null; // not "seen": a trickle of parts does not keep a connection alive past the idle timeout
        }
        a.parts = null;
        return parts.toString();
    }

    /** Chars held for {@code c} of a text message still arriving; 0 between messages. */
    static int pending(Connection c) {
        return c.inbound() instanceof Assembly a && a.parts != null ? a.parts.length() : 0;
    }

    /** True when the text frame may be handled; otherwise this has answered or closed the connection. */
    public boolean admitText(Connection c, String text) {
        c.seen();
        c.traffic().received();
        int limit = settings.maxFrameBytes();
        if (text.length() > limit || utf8Length(text) > limit) {
            refuse(c, CloseCodes.TOO_BIG, "text message over " + limit + " bytes");
            return false;
        }
        return rate(c, text);
    }

    /** True when the binary message may be handled; otherwise this has answered or closed the connection. */
    public boolean admitBinary(Connection c, int bytes) {
        c.seen();
        c.traffic().received();
        int limit = settings.maxBinaryBytes();
        if (bytes > limit) {
            refuse(c, CloseCodes.TOO_BIG, "binary message over " + limit + " bytes");
            return false;
        }
        return rate(c, null);
    }

    private boolean rate(Connection c, String text) {
        RateLimiter.Verdict verdict = limiter.admit(c);
        if (verdict == RateLimiter.Verdict.ALLOW) {
            return true;
        }
        if (verdict == RateLimiter.Verdict.FLOODING) {
            LOG.fine(() -> "closing " + c + ": more than " + RateLimiter.STRIKES + " rate_limited within 10 s");
            c.closeWhenSent(CloseCodes.FLOODING); // after the rate_limited errors already queued
        } else {
            c.send(new ServerMessage.Error(ErrorCode.RATE_LIMITED,
                    "more than " + settings.ratePerSecond() + " messages per second", text == null ? null : idOf(text)));
        }
        return false;
    }

    private static void refuse(Connection c, jakarta.websocket.CloseReason reason, String why) {
        LOG.fine(() -> "closing " + c + ": " + why); // the close itself is logged once, at INFO, by the socket layer
        c.close(reason);
    }

    /** The {@code id} of a frame, so a refusal can echo it; null when there is none or the frame is not JSON. */
    static String idOf(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonValue v = reader.readValue();
            if (v instanceof JsonObject o && o.get("id") instanceof JsonString s) {
                return s.getString();
            }
        } catch (RuntimeException e) {
            // not JSON: no id to echo
        }
        return null;
    }

    /**
     * What the guard keeps per connection, in the connection's {@link Connection#inbound() inbound slot} (set the
     * first time a message arrives in parts): the parts so far of a text message, null between messages so that
     * nothing is held once a message is whole. Only the container's delivery of that session's messages touches it.
     */
    private static final class Assembly {
        StringBuilder parts;
    }

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch >= 0x80) {
                bytes += ch >= 0x800 && !Character.isSurrogate(ch) ? 2 : 1;
            }
        }
        return bytes;
    }
}
