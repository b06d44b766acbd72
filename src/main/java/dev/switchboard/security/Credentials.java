package dev.switchboard.security;

import java.util.List;
import java.util.Map;

/**
 * Finds the caller's token where clients put it, most explicit first: {@code Authorization: Bearer} (non-browser
 * clients), {@code ?access_token=} (an identity provider's token from a browser, which cannot set headers on a
 * WebSocket), {@code ?token=}, else the {@code sb_token} cookie.
 */
public final class Credentials {

    public static final String COOKIE = "sb_token";
    public static final String QUERY = "token";
    public static final String ACCESS_TOKEN_QUERY = "access_token";

    private Credentials() {}

    /** The token from Cookie header values and query parameters, or null. */
    public static String token(List<String> cookieHeaders, Map<String, List<String>> parameters) {
        return token(List.of(), cookieHeaders, parameters);
    }

    /** The token from Authorization and Cookie header values and query parameters, or null. */
    public static String token(List<String> authorizationHeaders, List<String> cookieHeaders,
            Map<String, List<String>> parameters) {
        String bearer = bearer(authorizationHeaders);
        if (bearer != null) {
            return bearer;
        }
        String access = first(parameters, ACCESS_TOKEN_QUERY);
        if (access != null) {
            return access;
        }
        String query = first(parameters, QUERY);
        return query != null ? query : cookie(cookieHeaders);
    }

    /** The value of an {@code Authorization: Bearer} header, or null. */
    public static String bearer(List<String> authorizationHeaders) {
        if (authorizationHeaders != null) {
            for (String header : authorizationHeaders) {
                if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && !header.substring(7).isBlank()) {
                    return header.substring(7).trim();
                }
            }
        }
        return null;
    }

    /** The {@code sb_token} cookie's value, or null. */
    public static String cookie(List<String> cookieHeaders) {
        if (cookieHeaders != null) {
            for (String header : cookieHeaders) {
                for (String part : header.split(";")) {
                    String p = part.trim();
                    if (p.startsWith(COOKIE + "=")) {
                        return p.substring(COOKIE.length() + 1);
                    }
                }
            }
        }
        return null;
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters == null ? null : parameters.get(name);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }
}
