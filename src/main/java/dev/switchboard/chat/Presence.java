package dev.switchboard.chat;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in which room: per room, users and their number of connections. Only a user's first device
 * arriving and last device leaving are events; {@code members} lists users, not connections.
 */
@ApplicationScoped
public class Presence {

    private final Map<String, Map<String, Integer>> rooms = new ConcurrentHashMap<>();

    /** True when this is the user's first connection in the room. */
    public boolean arrive(String room, String user) {
        boolean[] first = {false};
        rooms.compute(room, (r, users) -> {
            Map<String, Integer> m = users == null ? new TreeMap<>() : users;
            first[0] = m.merge(user, 1, Integer::sum) == 1;
            return m;
        });
        return first[0];
    }

    /** True when this was the user's last connection in the room. */
    public boolean depart(String room, String user) {
        boolean[] last = {false};
        rooms.computeIfPresent(room, (r, users) -> {
            Integer n = users.get(user);
            if (n != null) {
                if (n == 1) {
                    users.remove(user);
                    last[0] = true;
                } else {
                    users.put(user, n - 1);
                }
            }
            return users.isEmpty() ? null : users;
        });
        return last[0];
    }

    /** The users in the room, sorted. */
    public List<String> members(String room) {
        List<String>[] out = new List[] {List.of()};
        rooms.computeIfPresent(room, (r, users) -> {
            out[0] = List.copyOf(users.keySet());
            return users;
        });
        return out[0];
    }

    public int roomCount() {
        return rooms.size();
    }
}
