package dev.switchboard.rooms;

import java.time.Instant;

/** A public room as the directory lists it: its members and when something was last said (null: never). */
public record PublicRoom(String room, int members, Instant last, String title, String topic) {}
