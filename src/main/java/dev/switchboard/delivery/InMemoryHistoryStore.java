package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import jakarta.enterprise.inject.Vetoed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * History kept in memory, per stream: the messages its {@link Retention} allows and the client ids seen with
 * them (for idempotent resends). Appends to one stream are serialized; their callbacks run in seq order,
 * outside the stream's lock. Every stream's epoch is new with this store, as its history is. Not a CDI bean
 * (the container uses {@link SqlHistoryStore}); in-process tests use it.
 */
@Vetoed
public class InMemoryHistoryStore implements HistoryStore {

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Retention retention;

    public InMemoryHistoryStore(Settings settings) {
        this(Retention.fixed(settings.historyRetained()));
    }

    public InMemoryHistoryStore(int retain) {
        this(Retention.fixed(retain));
    }

    public InMemoryHistoryStore(Retention retention) {
        this.retention = retention;
    }

    @Override
    public void append(String stream, Draft draft, Appended appended) {
        Stream s = stream(stream);
        synchronized (s) {
            String key = draft.clientId() == null ? null : draft.from() + "\u0000" + draft.clientId();
            StoredMessage earlier = key == null ? null : s.byClientId.get(key);
            if (earlier != null) {
                s.outbox.add(() -> appended.stored(earlier, true));
            } else {
                StoredMessage m = new StoredMessage(stream, ++s.latest, draft.from(), draft.to(), draft.text(), draft.ts(),
                        draft.clientId(), draft.mime());
                s.add(m, retention.of(stream));
                s.outbox.add(() -> appended.stored(m, false));
            }
        }
        s.outbox.drain(); // outside the lock: a callback may append to another stream
    }

    @Override
    public void reset(String stream, Runnable done) {
        Stream s = stream(stream);
        synchronized (s) {
            s.messages.clear();
            s.byClientId.clear();
            s.bytes = 0;
            s.latest = 0;
            s.trimmed = 0;
            s.epoch = Epochs.next();
            s.outbox.add(done);
        }
        s.outbox.drain();
    }

    @Override
    public Replay since(String stream, long since, String epoch) {
        Stream s = stream(stream);
        synchronized (s) {
            Position head = new Position(s.epoch, s.latest);
            Recovery.Plan plan = Recovery.plan(since, epoch, head, s.trimmed);
            List<StoredMessage> out = new ArrayList<>();
            for (StoredMessage m : s.messages) {
                if (m.seq() > plan.after()) {
                    out.add(m);
                }
            }
            return new Replay(out, s.epoch, s.latest, plan.recovered());
        }
    }

    @Override
    public Replay last(String stream, int count) {
        Stream s = stream(stream);
        synchronized (s) {
            List<StoredMessage> all = new ArrayList<>(s.messages);
            return new Replay(List.copyOf(all.subList(Math.max(0, all.size() - count), all.size())), s.epoch, s.latest, true);
        }
    }

    @Override
    public Position head(String stream) {
        Stream s = stream(stream);
        synchronized (s) {
            return new Position(s.epoch, s.latest);
        }
    }

    /** Memory is always there. */
    @Override
    public boolean reachable() {
        return true;
    }

    private Stream stream(String name) {
        return streams.computeIfAbsent(name, k -> new Stream());
    }

    private static final class Stream {
        String epoch = Epochs.next();
        long latest;
        long trimmed;
        long bytes;
        final ArrayDeque<StoredMessage> messages = new ArrayDeque<>();
        final Map<String, StoredMessage> byClientId = new HashMap<>();
        final SerialOutbox outbox = new SerialOutbox();

        /** Under the lock: keeps {@code m}, then trims the oldest beyond the limits. */
        void add(StoredMessage m, Retention.Limits limits) {
            messages.addLast(m);
            bytes += m.size();
            if (m.clientId() != null) {
                byClientId.put(m.from() + "\u0000" + m.clientId(), m);
            }
            while (messages.size() > limits.count() || bytes > limits.bytes() && messages.size() > 1) {
                StoredMessage gone = messages.removeFirst();
                bytes -= gone.size();
                trimmed = gone.seq();
                if (gone.clientId() != null) {
                    byClientId.remove(gone.from() + "\u0000" + gone.clientId(), gone);
                }
            }
        }
    }
}
