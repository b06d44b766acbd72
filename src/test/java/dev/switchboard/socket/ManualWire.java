package dev.switchboard.socket;

import jakarta.websocket.CloseReason;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** A wire whose sends complete only when the test says so; records how many are in flight at once, pings and the close. */
class ManualWire implements Wire {
    final List<String> sent = new ArrayList<>();
    final Deque<Consumer<Throwable>> pending = new ArrayDeque<>();
    CloseReason closedWith;
    int inFlight;
    int maxInFlight;
    int pings;

    @Override
    public synchronized void sendText(String text, Consumer<Throwable> done) {
        sent.add(text);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        pending.add(done);
    }

    void completeOne() {
        complete(null);
    }

    /** Completes the oldest send in flight with {@code failure} (null: success). */
    void complete(Throwable failure) {
        Consumer<Throwable> done;
        synchronized (this) {
            done = pending.poll();
            inFlight--;
        }
        done.accept(failure);
    }

    @Override
    public void close(CloseReason reason) {
        closedWith = reason;
    }

    @Override
    public void ping() {
        pings++;
    }
}
