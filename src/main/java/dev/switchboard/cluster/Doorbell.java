package dev.switchboard.cluster;

import dev.switchboard.delivery.CommitAnnouncer.StreamChange;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the nodes of a cluster tell each other through PostgreSQL's {@code NOTIFY} on one channel, and its text form.
 * A notice is a doorbell, not the mail: stored messages stay in the rows, and a notice only says up to which seq
 * each stream was committed (a notification carries less than 8,000 bytes, and a batch may hold megabytes).
 * Unsequenced frames (typing, presence) are small and travel whole. Names never contain tabs or line breaks (rooms,
 * users and topics are {@code [A-Za-z0-9_.#@-]}), so lines and tabs separate fields.
 */
final class Doorbell {

    /** The one channel every node listens on. */
    static final String CHANNEL = "switchboard";
    /** A notification's payload must stay under 8,000 bytes; the rest of a batch goes in further notices. */
    static final int MAX_PAYLOAD_BYTES = 7_800;

    /** One notice, decoded. */
    sealed interface Notice permits Stored, Frame, Ping, Disconnect, Standing, Request, Reply {
        String node();
    }

    /** Rows committed by {@code node}: per stream, what its transaction did. */
    record Stored(String node, List<StreamChange> changes) implements Notice {}

    /** An unsequenced frame for a stream's followers on every node (a user's own devices skipped when named). */
    record Frame(String node, String stream, String skipUser, String text) implements Notice {}

    /** A node's self-ping: when its own comes back, its doorbell works end to end. */
    record Ping(String node, long number) implements Notice {}

    /** Every node closes the user's connections (signed out on {@code node}). */
    record Disconnect(String node, String user, String reason) implements Notice {}

    /** A change of a user's standing in a room, for every node to apply to that user's connections. */
    record Standing(String node, FanOut.RoomNotice notice) implements Notice {}

    /** An operator's request for every node (the admin API). */
    record Request(String node, FanOut.NodeRequest request) implements Notice {}

    /** A part of {@code node}'s reply to a request of {@code origin}. */
    record Reply(String node, String origin, FanOut.NodeReply reply) implements Notice {}

    private Doorbell() {}

    /** Rings for one transaction's changes: one notice, or several when they do not fit in one. */
    static void ring(Connection c, String node, List<StreamChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String payload : stored(node, changes)) {
                ps.setString(1, CHANNEL);
                ps.setString(2, payload);
                ps.executeQuery().close();
            }
        }
    }

    /** Sends one notice on its own (auto-commit: at once). */
    static void send(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, payload);
            ps.executeQuery().close();
        }
    }

    static List<String> stored(String node, List<StreamChange> changes) {
        List<String> payloads = new ArrayList<>(1);
        String header = "s\t" + node;
        StringBuilder b = new StringBuilder(header);
        for (StreamChange ch : changes) {
            String line = "\n" + ch.stream() + '\t' + ch.epoch() + '\t' + ch.first() + '\t' + ch.latest() + '\t' + ch.trimmed();
            if (b.length() + line.length() > MAX_PAYLOAD_BYTES) { // ASCII: characters are bytes
                payloads.add(b.toString());
                b = new StringBuilder(header);
            }
            b.append(line);
        }
        payloads.add(b.toString());
        return payloads;
    }

    /** A frame's notice, or null when it would not fit in a notification. */
    static String frame(String node, String stream, String skipUser, String text) {
        String payload = "f\t" + node + '\t' + stream + '\t' + (skipUser == null ? "" : skipUser) + '\n' + text;
        return payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES ? payload : null;
    }

    static String ping(String node, long number) {
        return "p\t" + node + '\t' + number;
    }

    static String disconnect(String node, String user, String reason) {
        return "d\t" + node + '\t' + user + '\n' + reason;
    }

    /** A change of standing's notice (the reason, free text, last), or null when it would not fit in a notification. */
    static String roomNotice(String node, FanOut.RoomNotice n) {
        String payload = "r\t" + node + '\t' + n.room() + '\t' + (n.user() == null ? "" : n.user()) + '\t' + n.action() + '\t'
                + n.by() + '\n'
                + (n.reason() == null ? "" : n.reason());
        return payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES ? payload : null;
    }

    /** A request's notice (its body, free text, last), or null when it would not fit in a notification. */
    static String request(String node, FanOut.NodeRequest r) {
        String payload = "q\t" + node + '\t' + r.id() + '\t' + r.kind() + '\t' + (r.subject() == null ? "" : r.subject()) + '\n'
                + (r.body() == null ? "" : r.body());
        return payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES ? payload : null;
    }

    /**
     * A reply's notices: its items, a line each, in as many notices as they need (the last one marked); an item that
     * does not fit in a notice on its own is left out (the caller's items are far smaller).
     */
    static List<String> reply(String node, String origin, FanOut.NodeReply r) {
        String header = "a\t" + node + '\t' + origin + '\t' + r.id() + '\t';
        List<StringBuilder> parts = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        int bytes = header.length() + 2;
        for (String item : r.items()) {
            int size = item.getBytes(StandardCharsets.UTF_8).length + 1;
            if (header.length() + 2 + size > MAX_PAYLOAD_BYTES) {
                continue;
            }
            if (bytes + size > MAX_PAYLOAD_BYTES) {
                parts.add(b);
                b = new StringBuilder();
                bytes = header.length() + 2;
            }
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(item);
            bytes += size;
        }
        parts.add(b);
        List<String> payloads = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            boolean last = r.last() && i == parts.size() - 1;
            payloads.add(header + (last ? "1" : "0") + '\n' + parts.get(i));
        }
        return payloads;
    }

    /** The notice in a payload, or null for one this version does not know (a newer node's). */
    static Notice decode(String payload) {
        int eol = payload.indexOf('\n');
        String head = eol < 0 ? payload : payload.substring(0, eol);
        String body = eol < 0 ? "" : payload.substring(eol + 1);
        String[] h = head.split("\t", -1);
        switch (h[0]) {
            case "s" -> {
                List<StreamChange> changes = new ArrayList<>();
                for (String line : body.split("\n")) {
                    String[] f = line.split("\t", -1);
                    if (f.length == 5) {
                        changes.add(new StreamChange(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])));
                    }
                }
                return new Stored(h[1], changes);
            }
            case "f" -> {
                return new Frame(h[1], h[2], h[3].isEmpty() ? null : h[3], body);
            }
            case "p" -> {
                return new Ping(h[1], Long.parseLong(h[2]));
            }
            case "d" -> {
                return new Disconnect(h[1], h[2], body);
            }
            case "r" -> {
                return new Standing(h[1], new FanOut.RoomNotice(h[2], h[3].isEmpty() ? null : h[3], h[4], h[5],
                        body.isEmpty() ? null : body));
            }
            case "q" -> {
                return new Request(h[1], new FanOut.NodeRequest(h[2], h[1], h[3], h[4].isEmpty() ? null : h[4], body));
            }
            case "a" -> {
                List<String> items = body.isEmpty() ? List.of() : List.of(body.split("\n"));
                return new Reply(h[1], h[2], new FanOut.NodeReply(h[3], h[1], items, "1".equals(h[4])));
            }
            default -> {
                return null;
            }
        }
    }
}
