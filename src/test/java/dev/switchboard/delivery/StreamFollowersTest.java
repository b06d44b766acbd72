package dev.switchboard.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.cluster.FanOut;
import dev.switchboard.protocol.ServerMessage;
import dev.switchboard.socket.CloseCodes;
import dev.switchboard.socket.Connection;
import dev.switchboard.socket.OutboundFrame;
import dev.switchboard.socket.Wire;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The one delivery path of every stream: following per node, order and gap checks, the bound on a join's hold. */
class StreamFollowersTest {

    /** A fan-out the test drives by hand: what arrives, in whatever order the test chooses. */
    static final class ManualFanOut implements FanOut {

        @Override
        public void announce(RoomNotice notice) {}

        @Override
        public void onRoomNotice(java.util.function.Consumer<RoomNotice> handler) {}

        final Map<String, Receiver> receivers = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public void publish(String stream, long seq, OutboundFrame frame, String skipUser) {
            arrive(stream, seq, frame);
        }

        void arrive(String stream, long seq, OutboundFrame frame) {
            Receiver r = receivers.get(stream);
            if (r != null) {
                r.receive(stream, seq, frame, null);
            }
        }

        @Override
        public void follow(String stream, Receiver receiver) {
            calls.add("follow " + stream);
            receivers.put(stream, receiver);
        }

        @Override
        public void unfollow(String stream) {
            calls.add("unfollow " + stream);
            receivers.remove(stream);
        }

        @Override
        public void disconnectEverywhere(String user, String reason) {
            calls.add("disconnect " + user);
        }

        @Override
        public void onDisconnect(java.util.function.BiConsumer<String, String> closer) {}
    }

    /** A wire that sends at once and records what was sent and how it was closed. */
    static final class RecordingWire implements Wire {
        final List<String> sent = new ArrayList<>();
        CloseReason closedWith;

        @Override
        public synchronized void sendText(String text, Consumer<Throwable> done) {
            sent.add(text);
            done.accept(null);
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }

        synchronized List<Long> seqs() {
            List<Long> out = new ArrayList<>();
            for (String t : sent) {
                JsonObject o = Json.createReader(new StringReader(t)).readObject();
                if (o.containsKey("seq") && "message".equals(o.getString("type"))) {
                    out.add(o.getJsonNumber("seq").longValue());
                }
            }
            return out;
        }
    }

    private final InMemoryHistoryStore store = new InMemoryHistoryStore(100);
    private final ManualFanOut fanOut = new ManualFanOut();
    private final StreamFollowers followers = new StreamFollowers(fanOut, store, 1 << 20);

    private StoredMessage store(String stream, String text) {
        StoredMessage[] out = new StoredMessage[1];
        store.append(stream, new HistoryStore.Draft("alice", null, text, null, Instant.now()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage message, boolean duplicate) {
                out[0] = message;
            }

            @Override
            public void failed(Exception e) {
                throw new AssertionError(e);
            }
        });
        return out[0];
    }

    private static ServerMessage joined(Replay r) {
        return new ServerMessage.Joined("room", r.latest(), r.epoch(), List.of(), r.recovered());
    }

    @Test
    void aGapIsFilledFromTheStoreAndARepeatIsDropped() {
        for (int i = 1; i <= 3; i++) {
            store("room", "m" + i);
        }
        RecordingWire wire = new RecordingWire();
        Connection c = new Connection("1", "bob", null, wire, 1 << 20);
        followers.join("room", c, c::send, 0L, null, 0, StreamFollowersTest::joined);
        assertEquals(List.of(1L, 2L, 3L), wire.seqs(), "the replay");

        List<StoredMessage> later = new ArrayList<>();
        for (int i = 4; i <= 7; i++) {
            later.add(store("room", "m" + i));
        }
        fanOut.arrive("room", 4, StreamFrames.of(later.get(0)));
        fanOut.arrive("room", 7, StreamFrames.of(later.get(3))); // 5 and 6 never arrived
        fanOut.arrive("room", 6, StreamFrames.of(later.get(2))); // late: delivered already from the store
        fanOut.arrive("room", 4, StreamFrames.of(later.get(0))); // twice
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), wire.seqs());
    }

    @Test
    void aGapBeforeTheFirstLiveFrameIsFilledToo() {
        store("room", "m1");
        RecordingWire wire = new RecordingWire();
        Connection c = new Connection("1", "bob", null, wire, 1 << 20);
        followers.join("room", c, c::send, 0L, null, 0, StreamFollowersTest::joined);
        store("room", "m2");
        StoredMessage third = store("room", "m3");
        fanOut.arrive("room", 3, StreamFrames.of(third)); // 2 was lost on the way
        assertEquals(List.of(1L, 2L, 3L), wire.seqs());
    }

    /** A join may read past a frame still on its way: that frame must still reach those who joined before. */
    @Test
    void aFrameALaterJoinReadStillReachesTheEarlierJoiner() {
        store("room", "m1");
        RecordingWire early = new RecordingWire();
        Connection a = new Connection("a", "alice", null, early, 1 << 20);
        followers.join("room", a, a::send, 0L, null, 0, StreamFollowersTest::joined); // read up to 1
        StoredMessage second = store("room", "m2"); // stored; its publish not yet arrived
        RecordingWire late = new RecordingWire();
        Connection b = new Connection("b", "bob", null, late, 1 << 20);
        followers.join("room", b, b::send, 0L, null, 0, StreamFollowersTest::joined); // read up to 2
        fanOut.arrive("room", 2, StreamFrames.of(second));
        assertEquals(List.of(1L, 2L), early.seqs(), "the earlier joiner gets 2 live");
        assertEquals(List.of(1L, 2L), late.seqs(), "the later one once, from its replay");
    }

    @Test
    void theNodeFollowsAStreamWhileItHasLocalFollowers() {
        Connection a = new Connection("a", "alice", null, new RecordingWire(), 1 << 20);
        Connection b = new Connection("b", "bob", null, new RecordingWire(), 1 << 20);
        followers.join("room", a, a::send, null, null, 10, StreamFollowersTest::joined);
        followers.join("room", b, b::send, null, null, 10, StreamFollowersTest::joined);
        assertEquals(List.of("follow room"), fanOut.calls, "once, for the first");
        assertTrue(followers.unfollow("room", a));
        assertEquals(List.of("follow room"), fanOut.calls);
        assertEquals(List.of("room"), followers.forget(b));
        assertEquals(List.of("follow room", "unfollow room"), fanOut.calls, "stopped with the last");
    }

    @Test
    void aJoinerHoldingMoreThanTheBoundIsClosedAsSlow() {
        StreamFollowers small = new StreamFollowers(fanOut, store, 1000);
        RecordingWire wire = new RecordingWire();
        Connection c = new Connection("1", "bob", null, wire, 1 << 20);
        Follower f = small.follow("room", c, c::send); // holding: its replay is not done
        OutboundFrame frame = OutboundFrame.of("x".repeat(300));
        for (int seq = 1; seq <= 3; seq++) {
            f.deliver(seq, frame);
        }
        assertNull(wire.closedWith, "900 bytes held: within the bound");
        f.deliver(4, frame);
        assertEquals(CloseCodes.SLOW_CONSUMER, wire.closedWith.getCloseCode(), "1,200 bytes: closed as a slow consumer");
        f.live(0);
        assertTrue(wire.sent.isEmpty(), "nothing held is released after the close");
    }
}
