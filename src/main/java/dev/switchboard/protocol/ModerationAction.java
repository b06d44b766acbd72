package dev.switchboard.protocol;

import java.util.Locale;

/** What a {@code moderation} event did; the client frame of the same name asks for it ({@code title} sets title and topic). */
public enum ModerationAction {
    KICK, BAN, UNBAN, MUTE, ROLE, TITLE;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** The action a wire name denotes, or null. */
    public static ModerationAction of(String wire) {
        for (ModerationAction a : values()) {
            if (a.wire.equals(wire)) {
                return a;
            }
        }
        return null;
    }
}
