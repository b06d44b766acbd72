package dev.switchboard.delivery;

import java.util.List;

/**
 * What a join gets back from history: the messages in seq order, the stream's epoch and latest seq, and whether
 * the replay is exactly what the client missed ({@code recovered}, see {@link Recovery}).
 */
public record Replay(List<StoredMessage> messages, String epoch, long latest, boolean recovered) {

    /** The seq of the last message replayed, or {@code latest} when none is. */
    public long lastSeq() {
        return messages.isEmpty() ? latest : messages.get(messages.size() - 1).seq();
    }

    public Position head() {
        return new Position(epoch, latest);
    }
}
