package dev.switchboard.security;

import dev.switchboard.config.Settings;
import dev.switchboard.delivery.HistoryDatabase;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guest names in use, kept in the history database (table {@code sb_guest}) so that a claim outlives a restart
 * and holds for every node sharing that database. A guest identity is a name and a claim id: a new claim (the name
 * free, expired, released or never claimed) gets a fresh random id; the holder renewing its claim (its valid token
 * carries the current id) keeps it. A guest token is good only while its claim is the name's current one.
 *
 * <p>Thread-safety: every method may be called from any thread. A claim is decided in one transaction with the
 * name's row locked ({@code SELECT … FOR UPDATE}); two first claims racing on the primary key are retried, so
 * exactly one wins. {@link #holds} runs on every handshake and reads a cache: this node's own claims and releases
 * update it at once; what another node did is read from the table when the entry is older than {@link #REFRESH}.
 */
@ApplicationScoped
public class GuestNames {

    private static final Logger LOG = Logger.getLogger(GuestNames.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long a cached claim is trusted before the table is asked again (the lag behind another node's change). */
    public static final Duration REFRESH = Duration.ofSeconds(5);
    /** Tries of one claim when the database reports a conflict with a concurrent transaction. */
    static final int ATTEMPTS = 5;
    /** Cached names beyond which stale entries are dropped. */
    static final int MAX_CACHED = 10_000;
    /** Expired rows are deleted at most this often (an expired row and no row mean the same: the name is free). */
    static final Duration SWEEP = Duration.ofMinutes(1);
    /**
     * SQL states of a transaction that lost a race and may simply be tried again: a unique-key violation (a
     * concurrent first claim), serialization failure and deadlock, a lock wait that timed out (H2 and PostgreSQL),
     * H2's "concurrent update".
     */
    private static final Set<String> RETRYABLE = Set.of("23505", "40001", "40P01", "55P03", "HYT00", "90131");

    /** A claim on a name: its id, until when it holds, and whether it is new (the id was just drawn). */
    public record Claim(String name, String id, Instant expires, boolean fresh) {}

    /** The claims could not be read or written (the database does not answer, or too many conflicts). */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A name's row as last read or written here: claim null when the name had none; {@code seen} when read. */
    private record Held(String claim, Instant expires, Instant seen) {
        boolean valid(Instant now) {
            return claim != null && now.isBefore(expires);
        }
    }

    /**
     * The claim recorded for a name the container authenticated (a real account): it never expires, so no guest can
     * claim the name (409) and no new guest claim empties that account's inbox.
     */
    static final String ACCOUNT = "account";
    private static final Instant FOREVER = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final Map<String, Held> cache = new ConcurrentHashMap<>();
    /** Account names recorded by this node already: a login on every request must not write every time. */
    private final Set<String> accounts = ConcurrentHashMap.newKeySet();
    private Settings settings;
    private HistoryDatabase database;
    private boolean ownsDatabase;
    private Clock clock;
    private volatile Instant nextSweep = Instant.MIN;

    protected GuestNames() {} // for CDI proxies

    /** In the container: the history database from the settings, opened in {@link #open}. */
    @Inject
    public GuestNames(Settings settings) {
        this.settings = settings;
        this.clock = Clock.systemUTC();
    }

    /** Outside a container: the given database (which the caller closes). */
    public GuestNames(HistoryDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @PostConstruct
    void open() {
        if (database == null) {
            database = HistoryDatabase.open(settings); // the history store's: one pool per deployment

            ownsDatabase = true;
        }
    }

    @PreDestroy
    void close() {
        if (ownsDatabase) {
            database.close();
        }
    }

    /**
     * Claims {@code name} until {@code until}: a new claim when the name is free (or its claim expired or was
     * released), the same claim renewed when {@code caller} (a verified token, or null) holds the current one.
     * Empty when someone else holds it.
     *
     * @throws Unavailable when the database cannot decide
     */
    public Optional<Claim> claim(String name, Instant until, Token caller) {
        Instant now = clock.instant();
        sweep(now);
        String mine = caller != null && caller.user().equals(name) ? caller.claim() : null;
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return decide(name, until, mine, now);
            } catch (SQLException e) {
                if (!RETRYABLE.contains(e.getSQLState())) {
                    throw new Unavailable("could not claim the guest name " + name + ": " + e.getMessage(), e);
                }
                last = e;
                LOG.fine(() -> "claim of " + name + " lost a race (" + e.getSQLState() + "), trying again");
            }
        }
        throw new Unavailable("could not claim the guest name " + name + " after " + ATTEMPTS + " conflicts", last);
    }

    /** One claim transaction, the name's row locked (or, when absent, the insert guarded by the primary key). */
    private Optional<Claim> decide(String name, Instant until, String mine, Instant now) throws SQLException {
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                Held row = select(c, name, true, now);
                Claim claim;
                if (row.valid(now) && !row.claim().equals(mine)) {
                    c.rollback();
                    cache.put(name, row);
                    return Optional.empty();
                } else if (row.valid(now)) { // the holder renews; never shortens what its other tokens were given
                    Instant expires = until.isAfter(row.expires()) ? until : row.expires();
                    update(c, name, row.claim(), expires);
                    claim = new Claim(name, row.claim(), expires, false);
                } else {
                    claim = new Claim(name, newId(), until, true);
                    if (row.claim() == null) {
                        insert(c, name, claim.id(), until);
                    } else {
                        update(c, name, claim.id(), until);
                    }
                }
                c.commit();
                cache.put(name, new Held(claim.id(), claim.expires(), now));
                return Optional.of(claim);
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true); // back to the pool as it came
            }
        }
    }

    /**
     * Records {@code name} as a container account, once per node: from then on it is never free for guests, and a
     * guest who held it loses it (its tokens are refused). A failure is logged and tried again on the next login.
     * Returns whether a guest's claim was replaced (see {@link Accounts}, which closes that guest's connections).
     */
    public boolean reserveForAccount(String name) {
        if (accounts.contains(name)) {
            return false;
        }
        boolean displaced = false;
        Instant now = clock.instant();
        try (Connection c = database.connect()) {
            c.setAutoCommit(false);
            try {
                Held row = select(c, name, true, now);
                if (row.claim() == null) {
                    insert(c, name, ACCOUNT, FOREVER);
                } else if (!ACCOUNT.equals(row.claim())) {
                    update(c, name, ACCOUNT, FOREVER);
                    displaced = true;
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            cache.put(name, new Held(ACCOUNT, FOREVER, now));
            if (accounts.size() >= MAX_CACHED) {
                accounts.clear(); // only a saving: a name recorded again is an idempotent write
            }
            accounts.add(name);
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not record the account " + name + " among the guest names: " + e);
        }
        return displaced;
    }

    /**
     * Gives up the claim {@code id} on {@code name} (sign-out); a newer claim on the name stays. From then on
     * tokens of that claim are refused, on this node at once.
     *
     * @throws Unavailable when the database does not answer
     */
    public void release(String name, String id) {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("DELETE FROM sb_guest WHERE name = ? AND claim = ?")) {
            ps.setString(1, name);
            ps.setString(2, id);
            ps.executeUpdate();
            // a newer claim (made meanwhile on another node) is read on the next check
            cache.put(name, new Held(null, Instant.MIN, Instant.MIN));
        } catch (SQLException e) {
            cache.remove(name);
            throw new Unavailable("could not release the guest name " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Another node changed the claim on {@code name} (a sign-out): the next check reads the table, not the cache, so
     * a signed-out guest's token is refused on every node at once rather than after {@link #REFRESH}.
     */
    public void forget(String name) {
        cache.remove(name);
    }

    /**
     * Whether {@code id} is the current, unexpired claim on {@code name}: from the cache, else from the table.
     * When the table cannot be read, a cached answer (however old) is used, else the claim is refused.
     */
    public boolean holds(String name, String id) {
        Instant now = clock.instant();
        Held held = cache.get(name);
        if (held == null || !now.isBefore(held.seen().plus(REFRESH))) {
            try (Connection c = database.connect()) {
                Held read = select(c, name, false, now);
                // unless this node claimed or released the name meanwhile: then its own (newer) entry stays
                if (held == null ? cache.putIfAbsent(name, read) == null : cache.replace(name, held, read)) {
                    trimCache(now);
                }
                held = read;
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "guest claims unreadable, " + (held == null ? "refusing" : "using the cached")
                        + " claim on " + name + ": " + e);
                if (held == null) {
                    return false;
                }
            }
        }
        return held.valid(now) && held.claim().equals(id);
    }

    private static Held select(Connection c, String name, boolean forUpdate, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT claim, expires FROM sb_guest WHERE name = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Held(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), now)
                        : new Held(null, Instant.MIN, now);
            }
        }
    }

    private static void insert(Connection c, String name, String id, Instant expires) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sb_guest (name, claim, expires) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, id);
            ps.setLong(3, expires.toEpochMilli());
            ps.executeUpdate();
        }
    }

    private static void update(Connection c, String name, String id, Instant expires) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sb_guest SET claim = ?, expires = ? WHERE name = ?")) {
            ps.setString(1, id);
            ps.setLong(2, expires.toEpochMilli());
            ps.setString(3, name);
            ps.executeUpdate();
        }
    }

    /** Deletes expired rows, at most once per {@link #SWEEP}; a failure only waits for the next sweep. */
    private void sweep(Instant now) {
        if (now.isBefore(nextSweep)) {
            return;
        }
        nextSweep = now.plus(SWEEP);
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("DELETE FROM sb_guest WHERE expires <= ?")) {
            ps.setLong(1, now.toEpochMilli());
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "could not delete expired guest claims: " + e);
        }
    }

    /** Keeps the cache bounded: entries past their refresh are dropped first (they would be read again anyway). */
    private void trimCache(Instant now) {
        if (cache.size() > MAX_CACHED) {
            cache.values().removeIf(h -> !now.isBefore(h.seen().plus(REFRESH)));
            if (cache.size() > MAX_CACHED) {
                cache.clear();
            }
        }
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "rollback failed", e);
        }
    }

    /** 128 random bits, base64url (22 characters). */
    private static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
