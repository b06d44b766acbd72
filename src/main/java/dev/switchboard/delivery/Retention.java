package dev.switchboard.delivery;

/** How much of each stream the store keeps: at most {@code count} messages and about {@code bytes} of them. */
@FunctionalInterface
public interface Retention {

    record Limits(int count, long bytes) {
        public Limits {
            count = Math.max(1, count);
            bytes = Math.max(1, bytes);
        }
    }

    Limits of(String stream);

    /** The same limits for every stream (tests, benchmarks). */
    static Retention fixed(int count) {
        Limits limits = new Limits(count, Long.MAX_VALUE);
        return stream -> limits;
    }
}
