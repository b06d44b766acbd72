package dev.switchboard.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows the database holds for one stream (seq in {@code (trimmed, latest]}), in order, with the stream's epoch,
 * its client ids (for idempotent resends) and the bytes the rows count for (byte retention). Every field is guarded
 * by the tail's own monitor; {@link TailCache} and {@link BatchWriter} hold it while they read or change one.
 */
final class StreamTail {

    /** False until loaded, and again whenever it may differ from the database (then the next user reloads it). */
    boolean loaded;
    /** Dropped from the cache; a reader holding it asks the cache again. */
    boolean evicted;
    String epoch;
    long latest;
    long trimmed;
    long bytes;
    /** The cache's clock at the last use (LRU); written without the monitor, hence volatile. */
    volatile long used;
    final ArrayDeque<StoredMessage> messages = new ArrayDeque<>();
    private final Map<String, StoredMessage> byClientId = new HashMap<>();

    /** The key of a resend: client ids are per sender. */
    static String key(String from, String clientId) {
        return from + "\u0000" + clientId;
    }

    /** Whether this holds exactly what {@code head} (a locked row, or null for none) describes. */
    boolean mirrors(HistoryTables.Head head) {
        if (!loaded) {
            return false;
        }
        if (head == null) {
            return latest == 0 && trimmed == 0;
        }
        // a row from before epochs has none yet; it takes this tail's, so that one is not a difference
        return latest == head.latest() && trimmed == head.trimmed() && (head.epoch() == null || head.epoch().equals(epoch));
    }

    /** Replaces what is held by the rows {@code (trimmed, latest]} read from the database. */
    void load(String epoch, long latest, long trimmed, List<StoredMessage> rows) {
        restart(epoch);
        this.latest = latest;
        this.trimmed = trimmed;
        for (StoredMessage m : rows) {
            keep(m);
        }
        if (!messages.isEmpty()) {
            this.trimmed = Math.max(trimmed, messages.peekFirst().seq() - 1); // trimmed meanwhile by another node's writer
        }
        loaded = true;
    }

    /** The stream's history starts over: nothing held, next seq 1. */
    void restart(String epoch) {
        messages.clear();
        byClientId.clear();
        this.epoch = epoch;
        latest = 0;
        trimmed = 0;
        bytes = 0;
    }

    /** Keeps the stream's next message. */
    void add(StoredMessage m) {
        keep(m);
        latest = m.seq();
    }

    private void keep(StoredMessage m) {
        messages.addLast(m);
        bytes += m.size();
        if (m.clientId() != null) {
            byClientId.put(key(m.from(), m.clientId()), m);
        }
    }

    /** Drops the messages retention deleted, up to and including {@code upTo}. */
    void trimTo(long upTo) {
        while (!messages.isEmpty() && messages.peekFirst().seq() <= upTo) {
            StoredMessage m = messages.removeFirst();
            bytes -= m.size();
            if (m.clientId() != null) {
                byClientId.remove(key(m.from(), m.clientId()), m);
            }
        }
        trimmed = Math.max(trimmed, upTo);
    }

    /** The message stored earlier with this resend key, or null. */
    StoredMessage byClientId(String key) {
        return byClientId.get(key);
    }

    Position head() {
        return new Position(epoch, latest);
    }

    /** The messages with seq greater than {@code seq}, oldest first. */
    List<StoredMessage> after(long seq) {
        List<StoredMessage> out = new ArrayList<>();
        for (StoredMessage m : messages) {
            if (m.seq() > seq) {
                out.add(m);
            }
        }
        return out;
    }

    /** The last {@code count} messages, oldest first. */
    List<StoredMessage> last(int count) {
        List<StoredMessage> all = new ArrayList<>(messages);
        return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
    }
}
