package dev.switchboard.chat;

import java.util.List;

/**
 * Who is in which room. Only a user's first device arriving and last device leaving are events, across every node:
 * {@code members} lists users, not connections. One node keeps it in memory ({@link LocalPresence}); a cluster keeps
 * it in the shared database as node leases ({@code cluster.SharedPresence}).
 */
public interface Presence {

    /** True when this is the user's first connection in the room. */
    boolean arrive(String room, String user);

    /** True when this was the user's last connection in the room. */
    boolean depart(String room, String user);

    /** The users in the room, sorted. */
    List<String> members(String room);

    /** Rooms with someone present on this node. */
    int roomCount();
}
