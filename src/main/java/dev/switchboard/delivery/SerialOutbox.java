package dev.switchboard.delivery;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one at a time in the order they were added, on whichever thread calls {@link #drain}
 * while no other thread is draining. Never blocks: a thread that finds another draining leaves its
 * tasks to it.
 */
public final class SerialOutbox {

    private static final Logger LOG = Logger.getLogger(SerialOutbox.class.getName());

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    public void add(Runnable task) {
        tasks.add(task);
    }

    public void drain() {
        while (!tasks.isEmpty() && draining.compareAndSet(false, true)) {
            try {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "a delivery callback failed", e);
                    }
                }
            } finally {
                draining.set(false);
            }
        }
    }
}
