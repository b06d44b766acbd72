package dev.switchboard.delivery;

/**
 * A place in a stream: its {@code seq} within an {@code epoch}. The epoch changes whenever the stream's history
 * starts over (a new database, a stream reset), so a position of an old history is never taken for a current one.
 */
public record Position(String epoch, long seq) {}
