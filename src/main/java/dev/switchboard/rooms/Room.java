package dev.switchboard.rooms;

/** A room's row: who owns it (null for a shared room, which operators run) and whether only members may join. */
public record Room(String name, String owner, boolean isPrivate, String title, String topic) {}
