package dev.switchboard.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Told inside each history transaction, just before it commits, what the transaction did to each stream. A cluster
 * rings its doorbell here (PostgreSQL's NOTIFY is transactional), so other nodes hear of rows exactly when they are
 * committed, never before and never not at all.
 */
@FunctionalInterface
public interface CommitAnnouncer {

    /** Nothing to tell: one node. */
    CommitAnnouncer NONE = (c, changes) -> {};

    /**
     * A stream's head after the transaction: rows {@code first..latest} were added ({@code first > latest}: none),
     * rows up to {@code trimmed} are gone, and {@code epoch} is new when the stream started over.
     */
    record StreamChange(String stream, String epoch, long first, long latest, long trimmed) {}

    /** Called on the writer's connection, inside its open transaction; throwing rolls the batch back. */
    void announce(Connection c, List<StreamChange> changes) throws SQLException;
}
