package dev.switchboard.topics;

import java.util.regex.Pattern;

/**
 * Topic names and patterns. A topic is 1–16 dot-separated segments of {@code [A-Za-z0-9_-]{1,64}}
 * (at most 255 characters). A pattern may also use {@code *} for exactly one segment and {@code >}, as
 * its last segment only, for one or more remaining segments ({@code logs.>} matches {@code logs.app}
 * and {@code logs.app.x}, not {@code logs}).
 */
public final class TopicNames {

    public static final int MAX_LENGTH = 255;
    public static final int MAX_SEGMENTS = 16;
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private TopicNames() {}

    /** A concrete topic name (no wildcards). */
    public static boolean isTopic(String name) {
        return check(name, false);
    }

    /** A valid pattern: a topic name, or one with {@code *} segments and/or a final {@code >}. */
    public static boolean isPattern(String name) {
        return check(name, true);
    }

    public static boolean hasWildcard(String pattern) {
        for (String s : pattern.split("\\.", -1)) {
            if (s.equals("*") || s.equals(">")) {
                return true;
            }
        }
        return false;
    }

    /** The first segment ({@code logs} of {@code logs.app}). */
    public static String root(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** Straightforward matching, for configuration lists and as the reference the index is tested against. */
    public static boolean matches(String pattern, String topic) {
        String[] p = pattern.split("\\.", -1);
        String[] t = topic.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return t.length > i;
            }
            if (i >= t.length || !(p[i].equals("*") || p[i].equals(t[i]))) {
                return false;
            }
        }
        return p.length == t.length;
    }

    private static boolean check(String name, boolean wildcards) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        String[] segments = name.split("\\.", -1); // -1 keeps empty segments, which are invalid
        if (segments.length > MAX_SEGMENTS) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean ok = SEGMENT.matcher(s).matches()
                    || wildcards && (s.equals("*") || s.equals(">") && i == segments.length - 1);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
