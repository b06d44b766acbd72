package dev.switchboard.security;

import java.util.List;
import java.util.Map;

/** Finds a session token where clients put it: the {@code sb_token} cookie, else {@code ?token=}. */
public final class Credentials {

    public static final String COOKIE = "sb_token";
    public static final String QUERY = "token";

    private Credentials() {}

    /** The token from Cookie header values and query parameters, or null. */
    public static String token(List<String> cookieHeaders, Map<String, List<String>> parameters) {
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
        List<String> query = parameters == null ? null : parameters.get(QUERY);
        return query == null || query.isEmpty() ? null : query.get(0);
    }
}
