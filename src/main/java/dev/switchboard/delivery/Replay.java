package dev.switchboard.delivery;

import java.util.List;

/**
 * What a join gets back from history: the messages in seq order, the stream's latest seq, and whether
 * every message asked for was still there ({@code recovered:false} when retention trimmed some).
 */
public record Replay(List<StoredMessage> messages, long latest, boolean recovered) {

    /** The seq of the last message replayed, or {@code latest} when none is. */
    public long lastSeq() {
        return messages.isEmpty() ? latest : messages.get(messages.size() - 1).seq();
    }
}
