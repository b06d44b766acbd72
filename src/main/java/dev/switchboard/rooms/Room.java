package dev.switchboard.rooms;

/**
 * A room's row: who owns it (null for a shared room, which operators run), whether only members may join, and whether
 * an operator closed it (no joins or sends until it is reopened; its history is kept).
 */
public record Room(String name, String owner, boolean isPrivate, String title, String topic, boolean closed) {

    /** A room that is open. */
    public Room(String name, String owner, boolean isPrivate, String title, String topic) {
        this(name, owner, isPrivate, title, topic, false);
    }
}
