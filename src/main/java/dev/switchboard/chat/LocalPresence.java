package dev.switchboard.chat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Presence on one node: per room, users and their number of connections here. The presence of a single node, and
 * the local half of a cluster's ({@code cluster.SharedPresence}).
 */
public class LocalPresence implements Presence {

    private final Map<String, Map<String, Integer>> rooms = new ConcurrentHashMap<>();

    @Override
    public boolean arrive(String room, String user) {
        boolean[] first = {false};
        rooms.compute(room, (r, users) -> {
            Map<String, Integer> m = users == null ? new TreeMap<>() : users;
            first[0] = m.merge(user, 1, Integer::sum) == 1;
            return m;
        });
        return first[0];
    }

    @Override
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

    @Override
    public List<String> members(String room) {
        List<String>[] out = new List[] {List.of()};
        rooms.computeIfPresent(room, (r, users) -> {
            out[0] = List.copyOf(users.keySet());
            return users;
        });
        return out[0];
    }

    /** Every (room, user) present here, a snapshot. */
    public Map<String, List<String>> snapshot() {
        Map<String, List<String>> out = new TreeMap<>();
        for (String room : rooms.keySet()) {
            List<String> members = members(room); // copied under the map's lock on that room
            if (!members.isEmpty()) {
                out.put(room, members);
            }
        }
        return out;
    }

    @Override
    public int roomCount() {
        return rooms.size();
    }
}
