package dev.switchboard.rooms;

/**
 * Where one user stands in one room, read in one query: the room (null when it does not exist yet), the user's role
 * there (null for a non-member), whether they are banned, until when they are muted (epoch millis, 0 for not) and how
 * far they have read.
 */
public record Standing(Room room, RoomRole role, boolean banned, long mutedUntil, long read) {

    public boolean exists() {
        return room != null;
    }

    public boolean isMember() {
        return role != null;
    }

    public boolean mutedAt(long nowMillis) {
        return mutedUntil > nowMillis;
    }

    /** Whether this user may moderate (kick, ban, mute, title): an owner or a moderator. */
    public boolean moderates() {
        return role != null && role.atLeast(RoomRole.MODERATOR);
    }

    /** The same standing with another role (an operator acts as an owner everywhere). */
    public Standing withRole(RoomRole newRole) {
        return new Standing(room, newRole, banned, mutedUntil, read);
    }
}
