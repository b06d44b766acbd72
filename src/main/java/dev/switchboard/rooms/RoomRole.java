package dev.switchboard.rooms;

import java.util.Locale;

/** A member's role in a room, strongest first: what each may do is decided by {@link #atLeast}. */
public enum RoomRole {
    OWNER, MODERATOR, MEMBER;

    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** Whether this role is {@code other} or stronger. */
    public boolean atLeast(RoomRole other) {
        return ordinal() <= other.ordinal();
    }

    /** The role a stored or wire name denotes, or null. */
    public static RoomRole of(String wire) {
        for (RoomRole r : values()) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        return null;
    }
}
