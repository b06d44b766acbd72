package dev.switchboard.delivery;

import dev.switchboard.config.Settings;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * History kept in memory, per stream: the last {@code retain} messages and the client ids seen with
 * them (for idempotent resends). Appends to one stream are serialized; their callbacks run in seq order,
 * outside the stream's lock. Not a CDI bean (the container uses {@link SqlHistoryStore}); in-process tests use it.
 */
@Vetoed
public class InMemoryHistoryStore implements HistoryStore {

    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private int retain;

    protected InMemoryHistoryStore() {
        this(1000);
    }

    @Inject
    public InMemoryHistoryStore(Settings settings) {
        this(settings.historyRetained());
    }

    public InMemoryHistoryStore(int retain) {
        this.retain = retain;
    }

    @Override
    public void append(String stream, Draft draft, Appended appended) {
        Stream s = streams.computeIfAbsent(stream, k -> new Stream());
        synchronized (s) {
            String key = draft.clientId() == null ? null : draft.from() + "\u0000" + draft.clientId();
            StoredMessage earlier = key == null ? null : s.byClientId.get(key);
            if (earlier != null) {
                s.outbox.add(() -> appended.stored(earlier, true));
            } else {
                store(s, stream, draft, key, appended);
            }
        }
        s.outbox.drain(); // outside the lock: a callback may append to another stream
    }

    /** Called holding the stream's lock. */
    private void store(Stream s, String stream, Draft draft, String key, Appended appended) {
        StoredMessage m = new StoredMessage(stream, ++s.latest, draft.from(), draft.to(), draft.text(), draft.ts(),
                draft.clientId());
        s.messages.addLast(m);
        if (key != null) {
            s.byClientId.put(key, m);
        }
        while (s.messages.size() > retain) {
            StoredMessage trimmed = s.messages.removeFirst();
            if (trimmed.clientId() != null) {
                s.byClientId.remove(trimmed.from() + "\u0000" + trimmed.clientId());
            }
        }
        s.outbox.add(() -> appended.stored(m, false));
    }

    @Override
    public Replay since(String stream, long since) {
        Stream s = streams.get(stream);
        if (s == null) {
            return new Replay(List.of(), 0, since == 0);
        }
        synchronized (s) {
            List<StoredMessage> out = new ArrayList<>();
            Iterator<StoredMessage> it = s.messages.descendingIterator();
            while (it.hasNext()) {
                StoredMessage m = it.next();
                if (m.seq() <= since) {
                    break;
                }
                out.add(m);
            }
            Collections.reverse(out);
            long oldest = s.messages.isEmpty() ? s.latest + 1 : s.messages.peekFirst().seq();
            boolean recovered = since <= s.latest && since >= oldest - 1; // a cursor from the future is not recovered either
            return new Replay(out, s.latest, recovered);
        }
    }

    @Override
    public Replay last(String stream, int count) {
        Stream s = streams.get(stream);
        if (s == null) {
            return new Replay(List.of(), 0, true);
        }
        synchronized (s) {
            List<StoredMessage> all = new ArrayList<>(s.messages);
            return new Replay(List.copyOf(all.subList(Math.max(0, all.size() - count), all.size())), s.latest, true);
        }
    }

    @Override
    public long latest(String stream) {
        Stream s = streams.get(stream);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return s.latest;
        }
    }

    /** Memory is always there. */
    @Override
    public boolean reachable() {
        return true;
    }

    private static final class Stream {
        long latest;
        final ArrayDeque<StoredMessage> messages = new ArrayDeque<>();
        final Map<String, StoredMessage> byClientId = new HashMap<>();
        final SerialOutbox outbox = new SerialOutbox();
    }
}
