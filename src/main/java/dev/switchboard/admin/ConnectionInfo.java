package dev.switchboard.admin;

import dev.switchboard.protocol.MessageCodec;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;

/**
 * One open connection as the admin API lists it: the node it is on, its id there, the client's address (as the
 * handshake saw it; null when unknown), when it opened, its endpoint ({@code chat}, {@code topics}), the rooms it is in
 * and the exact topics it follows (pattern subscriptions are not listed). Travels between nodes as one line of JSON.
 */
public record ConnectionInfo(String node, String id, String address, Instant since, String endpoint, List<String> rooms,
        List<String> topics) {

    /** Rooms or topics listed per connection at most (a reply must fit the cluster's notices). */
    static final int MAX_LISTED = 50;

    /** The JSON object, on one line. */
    public JsonObject json() {
        JsonObjectBuilder o = Json.createObjectBuilder().add("node", node).add("id", id);
        if (address != null) {
            o.add("address", address);
        }
        o.add("since", MessageCodec.timestamp(since)).add("endpoint", endpoint).add("rooms", array(rooms)).add("topics", array(topics));
        return o.build();
    }

    static ConnectionInfo of(String line) {
        JsonObject o = Json.createReader(new StringReader(line)).readObject();
        return new ConnectionInfo(o.getString("node"), o.getString("id"), o.get("address") instanceof JsonString a ? a.getString() : null,
                Instant.parse(o.getString("since")), o.getString("endpoint"), strings(o, "rooms"), strings(o, "topics"));
    }

    private static JsonArrayBuilder array(List<String> names) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        names.forEach(a::add);
        return a;
    }

    private static List<String> strings(JsonObject o, String name) {
        return o.getJsonArray(name).stream().map(v -> ((JsonString) v).getString()).toList();
    }
}
