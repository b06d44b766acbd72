package dev.switchboard.delivery;

/**
 * The one rule for resuming a stream with {@code since} (and {@code epoch}): which seqs to replay, and whether that
 * replay is exactly what the client missed ({@code recovered}).
 *
 * <ul>
 *   <li>{@code since} absent: no cursor, nothing to recover; the caller replays its default (the last N, or nothing).
 *   <li>{@code since} 0: the client saw nothing; everything kept is replayed, recovered when nothing was trimmed.
 *   <li>{@code epoch} the stream's and {@code since} within {@code [trimmed, latest]}: exactly what came after it,
 *       {@code recovered:true}.
 *   <li>{@code epoch} of another history: that cursor means nothing here; everything kept is replayed,
 *       {@code recovered:false}.
 *   <li>{@code epoch} absent (an older client): its cursor cannot be told from one of an earlier history, so it is
 *       never reported as recovered; what came after it is replayed when it lies within the kept range (the client
 *       misses nothing it could still get), else everything kept.
 *   <li>{@code since} ahead of the stream, or older than what retention kept: everything kept from
 *       there on, {@code recovered:false}.
 * </ul>
 */
public final class Recovery {

    private Recovery() {}

    /** What to replay: messages with seq greater than {@code after}, and whether that recovers the client exactly. */
    public record Plan(long after, boolean recovered) {}

    /**
     * @param since the client's cursor (not null)
     * @param epoch the client's epoch, or null
     * @param head the stream's current epoch and latest seq
     * @param trimmed the highest seq no longer kept (0 when nothing was trimmed)
     */
    public static Plan plan(long since, String epoch, Position head, long trimmed) {
        if (since == 0) {
            return new Plan(trimmed, trimmed == 0);
        }
        boolean inRange = since <= head.seq() && since >= trimmed;
        if (epoch != null && !epoch.equals(head.epoch())) {
            return new Plan(trimmed, false);
        }
        if (!inRange) {
            return new Plan(trimmed, false);
        }
        return new Plan(since, epoch != null);
    }
}
