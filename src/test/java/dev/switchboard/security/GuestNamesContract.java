package dev.switchboard.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.delivery.HistoryDatabase;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.InMemoryHistoryStore;
import dev.switchboard.delivery.Position;
import dev.switchboard.delivery.Replay;
import dev.switchboard.delivery.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest claims in the history database and guest sign-in, on each database the server keeps them in: every test here
 * runs on an H2 file ({@link GuestNamesTest}, the default) and on PostgreSQL ({@link GuestNamesPostgresTest}).
 */
abstract class GuestNamesContract {

    private static final byte[] KEY = "k".repeat(32).getBytes(StandardCharsets.UTF_8);
    private static final Duration TTL = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final List<HistoryDatabase> open = new ArrayList<>();
    private final InMemoryHistoryStore history = new InMemoryHistoryStore(100);

    @AfterEach
    void closeAll() {
        open.forEach(HistoryDatabase::close);
    }

    /** A new pool on the database of {@code place} (created empty on first use), its schema in place. */
    protected abstract HistoryDatabase database(Path place);

    /** A database of the test (a new pool each time: another node, or the same node after a restart). */
    private HistoryDatabase database() {
        HistoryDatabase db = database(dir);
        open.add(db);
        return db;
    }

    /** One node's view: its claims, tokens and sign-in, on {@code db}. */
    private final class Node {
        final GuestNames names;
        final TokenService tokens;
        final GuestSessions sessions;

        Node(HistoryDatabase db, HistoryStore inboxes) {
            names = new GuestNames(db, clock);
            tokens = new TokenService(KEY, TTL, clock, names);
            sessions = new GuestSessions(tokens, names, inboxes, Duration.ofMillis(300));
        }

        Node(HistoryDatabase db) {
            this(db, history);
        }

        GuestSessions.Outcome signIn(String name, Token caller) {
            return sessions.signIn(name, Optional.ofNullable(caller));
        }

        Token signedIn(String name, Token caller) {
            GuestSessions.Outcome o = signIn(name, caller);
            assertEquals(GuestSessions.Status.SIGNED_IN, o.status(), o::reason);
            return o.token();
        }

        boolean accepts(Token t) {
            return tokens.verify(t.value()).isPresent();
        }
    }

    @Test
    void aClaimOutlivesItsRegistryOnTheSameDatabase() throws Exception {
        HistoryDatabase first = database();
        Token ana = new Node(first).signedIn("ana", null);
        direct("ana", "for ana");
        first.close(); // the node goes away: the pool and the database file are closed

        Node restarted = new Node(database());
        GuestSessions.Outcome second = restarted.signIn("ana", null);
        assertEquals(GuestSessions.Status.TAKEN, second.status(), "a second ana after the restart");
        assertTrue(restarted.accepts(ana), "the holder's token still verifies");
        assertTrue(new Identities(restarted.tokens).resolve(null, ana.value()).isPresent(), "and opens a connection");

        clock.advance(Duration.ofMinutes(30));
        Token renewed = restarted.signedIn("ana", restarted.tokens.verify(ana.value()).orElseThrow());
        assertEquals(ana.claim(), renewed.claim(), "renewing keeps the claim");
        assertTrue(renewed.expires().isAfter(ana.expires()));
        assertTrue(restarted.accepts(ana) && restarted.accepts(renewed), "both of the holder's tokens are good");
        assertEquals(1, history.latest("@ana"), "a renewal keeps the inbox");
        assertEquals(GuestSessions.Status.TAKEN, restarted.signIn("ana", null).status());
    }

    @Test
    void aNameWhoseClaimExpiredGoesToANewClaimWithAnEmptyInbox() throws Exception {
        Node node = new Node(database());
        Token first = node.signedIn("bea", null);
        direct("bea", "one");
        direct("bea", "two");
        Position before = history.head("@bea");
        assertEquals(2, before.seq());

        clock.advance(TTL.plusSeconds(1));
        Token next = node.signedIn("bea", null);
        assertNotEquals(first.claim(), next.claim(), "a new holder is a new identity");
        assertFalse(node.accepts(first), "the expired token");
        Token oldClaimLater = node.tokens.issue("bea", first.claim(), clock.instant().plus(TTL));
        assertFalse(node.accepts(oldClaimLater), "a token of the old claim, even unexpired");
        assertTrue(node.accepts(next));

        Replay inbox = history.since("@bea", 0, null);
        assertTrue(inbox.messages().isEmpty(), "the previous holder's messages are gone");
        assertEquals(0, inbox.latest());
        assertNotEquals(before.epoch(), inbox.epoch(), "a new epoch: no position of the old inbox is taken for one of this");
    }

    @Test
    void signingOutEndsTheClaimAndTheNextHolderStartsEmpty() throws Exception {
        Node node = new Node(database());
        Token cleo = node.signedIn("cleo", null);
        direct("cleo", "private");
        String epoch = history.head("@cleo").epoch();

        node.sessions.signOut(cleo);
        assertFalse(node.accepts(cleo), "refused at once, though not expired");
        assertTrue(new Identities(node.tokens).resolve(null, cleo.value()).isEmpty(), "no connection with it either");

        Token next = node.signedIn("cleo", null);
        assertNotEquals(cleo.claim(), next.claim());
        assertEquals(0, history.latest("@cleo"));
        assertNotEquals(epoch, history.head("@cleo").epoch());
        assertEquals(GuestSessions.Status.TAKEN, node.signIn("cleo", null).status(), "the old holder is now a stranger");
        node.names.release("cleo", cleo.claim()); // a late sign-out of the old claim
        assertTrue(node.accepts(next), "does not end the newer one");
    }

    /** A name the container authenticated is an account: no guest takes it, now or later, nor empties its inbox. */
    @Test
    void anAccountsNameIsNeverAGuests() throws Exception {
        Node node = new Node(database());
        Token guest = node.signedIn("dora", null); // a guest held the name before the account logged in
        direct("dora", "for the account");
        assertTrue(node.names.reserveForAccount("dora"), "a guest's claim was replaced (Accounts closes its connections)");
        assertFalse(node.accepts(guest), "the guest's claim ended with the account's login");
        Token login = node.tokens.issue("dora");
        assertTrue(node.accepts(login), "the account's own (container) tokens need no claim");

        clock.advance(TTL.multipliedBy(100));
        Node restarted = new Node(database());
        assertEquals(GuestSessions.Status.TAKEN, restarted.signIn("dora", null).status(), "never free for guests, even after a restart");
        assertEquals(1, history.latest("@dora"), "and nothing of the account's inbox was emptied");
        assertFalse(restarted.names.reserveForAccount("dora"), "idempotent: no guest displaced this time");
        assertEquals(GuestSessions.Status.TAKEN, restarted.signIn("dora", null).status());
    }

    @Test
    void aNameFreeOfHistoryIsNotReset() {
        Node node = new Node(database(), new ResetRefused(history));
        assertEquals(GuestSessions.Status.SIGNED_IN, node.signIn("dora", null).status(), "no inbox, nothing to reset");
    }

    @Test
    void anotherHoldersTokenDoesNotRenewAName() {
        Node node = new Node(database());
        node.signedIn("eve", null);
        Token bob = node.signedIn("bob", null);
        assertEquals(GuestSessions.Status.TAKEN, node.signIn("eve", bob).status());
        Token login = node.tokens.issue("eve"); // a login token of the same name has no claim on it
        assertTrue(node.accepts(login));
        assertEquals(GuestSessions.Status.TAKEN, node.signIn("eve", login).status());
    }

    @Test
    void exactlyOneOfConcurrentClaimantsWins() throws Exception {
        GuestNames[] nodes = {new GuestNames(database(), clock), new GuestNames(database(), clock)};
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 20; round++) {
                race(pool, nodes, "race" + round, Duration.ofSeconds(10)); // no row yet: the first insert wins
            }
            clock.advance(Duration.ofSeconds(20)); // expired, not yet swept: each row is taken over under its lock
            for (int round = 0; round < 20; round++) {
                race(pool, nodes, "race" + round, TTL);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Eight claimants on two nodes ask for {@code name} at once: one wins, and both nodes say so. */
    private void race(ExecutorService pool, GuestNames[] nodes, String name, Duration lasting) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Optional<GuestNames.Claim>>> tries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            GuestNames names = nodes[i % 2];
            tries.add(pool.submit(() -> {
                start.await();
                return names.claim(name, clock.instant().plus(lasting), null);
            }));
        }
        start.countDown();
        List<GuestNames.Claim> won = new ArrayList<>();
        for (Future<Optional<GuestNames.Claim>> f : tries) {
            f.get(20, TimeUnit.SECONDS).ifPresent(won::add);
        }
        assertEquals(1, won.size(), name + ": " + won);
        for (GuestNames names : nodes) {
            assertTrue(names.holds(name, won.get(0).id()), "every node agrees on the winner");
        }
    }

    @Test
    void anotherNodesReleaseIsSeenWithinTheRefresh() {
        GuestNames a = new GuestNames(database(), clock);
        GuestNames b = new GuestNames(database(), clock);
        GuestNames.Claim claim = a.claim("finn", clock.instant().plus(TTL), null).orElseThrow();
        assertTrue(b.holds("finn", claim.id()));
        a.release("finn", claim.id());
        assertFalse(a.holds("finn", claim.id()), "at once on the node that released it");
        clock.advance(GuestNames.REFRESH);
        assertFalse(b.holds("finn", claim.id()), "on another node after the refresh");
    }

    @Test
    void anInboxThatCannotBeResetRefusesTheSignInAndLeavesTheNameFree() throws Exception {
        direct("gus", "left by the previous gus");
        Node refusing = new Node(database(), new ResetRefused(history));
        GuestSessions.Outcome o = refusing.signIn("gus", null);
        assertEquals(GuestSessions.Status.UNAVAILABLE, o.status());
        assertEquals(null, o.token());

        Node stalled = new Node(database(), new ResetNeverDone(history));
        assertEquals(GuestSessions.Status.UNAVAILABLE, stalled.signIn("gus", null).status(), "reset not done in time");

        Token gus = new Node(database()).signedIn("gus", null);
        assertEquals(0, history.latest("@gus"));
        assertTrue(new Node(database()).accepts(gus));
    }

    @Test
    void expiredRowsAreDeleted() throws Exception {
        HistoryDatabase db = database();
        GuestNames names = new GuestNames(db, clock);
        names.claim("hal", clock.instant().plusSeconds(10), null).orElseThrow();
        assertEquals(1, rows(db, "hal"));
        clock.advance(GuestNames.SWEEP);
        names.claim("ida", clock.instant().plus(TTL), null).orElseThrow();
        assertEquals(0, rows(db, "hal"), "an expired claim is no claim: its row goes");
        assertEquals(1, rows(db, "ida"));
    }

    @Test
    void guestTokensNeedTheirClaimAndLoginTokensNone() {
        TokenService withoutGuests = new TokenService(KEY, TTL, clock);
        Node node = new Node(database());
        Token guest = node.signedIn("jo", null);
        assertTrue(guest.guest());
        assertTrue(withoutGuests.verify(guest.value()).isEmpty(), "no registry to vouch for the claim");
        Token login = withoutGuests.issue("jo");
        assertFalse(login.guest());
        assertEquals("jo", node.tokens.verify(login.value()).orElseThrow().user());
        Token madeUp = node.tokens.issue("jo", "not-the-claim", clock.instant().plus(TTL));
        assertFalse(node.accepts(madeUp));
    }

    /** Stores a direct message in {@code user}'s inbox and waits for it. */
    private void direct(String user, String text) throws Exception {
        CompletableFuture<StoredMessage> f = new CompletableFuture<>();
        history.append("@" + user, new HistoryStore.Draft("sender", user, text, null, clock.instant()), new HistoryStore.Appended() {
            @Override
            public void stored(StoredMessage message, boolean duplicate) {
                f.complete(message);
            }

            @Override
            public void failed(Exception e) {
                f.completeExceptionally(e);
            }
        });
        f.get(5, TimeUnit.SECONDS);
    }

    private static long rows(HistoryDatabase db, String name) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sb_guest WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A store whose reset fails, as the SQL store's did before it had one. */
    private static class ResetRefused implements HistoryStore {
        final HistoryStore delegate;

        ResetRefused(HistoryStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void append(String stream, Draft draft, Appended appended) {
            delegate.append(stream, draft, appended);
        }

        @Override
        public Replay since(String stream, long since, String epoch) {
            return delegate.since(stream, since, epoch);
        }

        @Override
        public Replay last(String stream, int count) {
            return delegate.last(stream, count);
        }

        @Override
        public Position head(String stream) {
            return delegate.head(stream);
        }

        @Override
        public void reset(String stream, Runnable done) {
            throw new UnsupportedOperationException("no reset");
        }

        @Override
        public boolean reachable() {
            return true;
        }
    }

    /** A store whose reset never completes (a stuck writer). */
    private static final class ResetNeverDone extends ResetRefused {
        ResetNeverDone(HistoryStore delegate) {
            super(delegate);
        }

        @Override
        public void reset(String stream, Runnable done) {
            // accepted, never committed
        }
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
