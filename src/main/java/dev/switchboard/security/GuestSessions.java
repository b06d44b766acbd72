package dev.switchboard.security;

import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.delivery.StreamNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guest sign-in and sign-out: the name's claim ({@link GuestNames}), an empty inbox for a new claim (the previous
 * holder's direct messages are not the new holder's), then the token under that claim.
 */
@ApplicationScoped
public class GuestSessions {

    private static final Logger LOG = Logger.getLogger(GuestSessions.class.getName());
    /** How long a sign-in waits for the inbox of a new claim to be emptied. */
    public static final Duration RESET_WAIT = Duration.ofSeconds(10);

    /** What a sign-in came to. */
    public enum Status {
        /** Signed in: {@code token} holds the claim. */
        SIGNED_IN,
        /** Someone else holds the name. */
        TAKEN,
        /** The claim could not be decided, or a new claim's inbox not emptied in time; nothing is held. */
        UNAVAILABLE
    }

    /** A sign-in's outcome: the token when signed in, else a reason. */
    public record Outcome(Status status, Token token, String reason) {}

    private TokenService tokens;
    private GuestNames names;
    private HistoryStore history;
    private Duration resetWait;

    protected GuestSessions() {} // for CDI proxies

    @Inject
    public GuestSessions(TokenService tokens, GuestNames names, HistoryStore history) {
        this(tokens, names, history, RESET_WAIT);
    }

    public GuestSessions(TokenService tokens, GuestNames names, HistoryStore history, Duration resetWait) {
        this.tokens = tokens;
        this.names = names;
        this.history = history;
        this.resetWait = resetWait;
    }

    /**
     * Signs in as the guest {@code name}; {@code caller} is the caller's verified token, if any (the holder renews
     * its claim with it). A new claim starts with an empty inbox: when {@code @name} has history it is reset (its
     * messages deleted, a new epoch) before the token is issued; if that fails or takes longer than the wait, the
     * claim is released again and the answer is {@link Status#UNAVAILABLE}, so that a retry starts over.
     */
    public Outcome signIn(String name, Optional<Token> caller) {
        Instant until = tokens.expiry();
        GuestNames.Claim claim;
        try {
            Optional<GuestNames.Claim> claimed = names.claim(name, until, caller.orElse(null));
            if (claimed.isEmpty()) {
                return new Outcome(Status.TAKEN, null, "the name " + name + " is in use");
            }
            claim = claimed.get();
        } catch (GuestNames.Unavailable e) {
            LOG.log(Level.WARNING, e.getMessage(), e);
            return new Outcome(Status.UNAVAILABLE, null, "guest names cannot be claimed right now");
        }
        if (claim.fresh()) {
            Optional<String> failure = emptyInbox(name);
            if (failure.isPresent()) {
                LOG.warning(() -> "guest " + name + " not signed in: " + failure.get());
                try {
                    names.release(name, claim.id());
                } catch (GuestNames.Unavailable e) {
                    LOG.log(Level.WARNING, e.getMessage() + " (the claim runs out at " + claim.expires() + ")", e);
                }
                return new Outcome(Status.UNAVAILABLE, null, "the inbox of " + name + " could not be prepared");
            }
        }
        return new Outcome(Status.SIGNED_IN, tokens.issue(name, claim.id(), claim.expires()), null);
    }

    /** Ends a guest's claim: its tokens are refused from now on (a login token has no claim to give up). */
    public void signOut(Token token) {
        if (token.guest()) {
            names.release(token.user(), token.claim());
        }
    }

    /** Resets the inbox if it has history and waits for that; empty when done, else why not. */
    private Optional<String> emptyInbox(String name) {
        String inbox = StreamNames.inbox(name);
        try {
            if (history.latest(inbox) == 0) {
                return Optional.empty();
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            history.reset(inbox, () -> done.complete(null));
            done.get(resetWait.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.of("the reset of " + inbox + " took longer than " + resetWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while resetting " + inbox);
        } catch (ExecutionException | RuntimeException e) {
            return Optional.of("the reset of " + inbox + " failed: " + e);
        }
    }
}
