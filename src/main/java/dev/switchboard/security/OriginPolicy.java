package dev.switchboard.security;

import dev.switchboard.config.Settings;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Origin}s may open a WebSocket: exact matches of the allow-list, and the page's own
 * origin (same scheme-less host as the request's {@code Host}). {@code null} and look-alikes such as
 * {@code http://localhost:8080.evil.example} never match. A missing Origin is a non-browser client,
 * allowed unless {@code switchboard.origins.require} is set.
 */
public final class OriginPolicy {

    private final Set<String> allowed;
    private final boolean requireOrigin;

    public OriginPolicy(List<String> allowed, boolean requireOrigin) {
        this.allowed = allowed.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
        this.requireOrigin = requireOrigin;
    }

    public static OriginPolicy of(Settings settings) {
        return new OriginPolicy(settings.allowedOrigins(), settings.requireOrigin());
    }

    /**
     * @param origin the request's Origin header, or null when absent
     * @param host the request's Host header, or null when unknown (then only the allow-list counts)
     */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return !requireOrigin;
        }
        String o = normalize(origin);
        if (allowed.contains(o)) {
            return true;
        }
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        return o.equals("http://" + h) || o.equals("https://" + h);
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
