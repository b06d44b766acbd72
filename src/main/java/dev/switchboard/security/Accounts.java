package dev.switchboard.security;

import dev.switchboard.cluster.FanOut;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * A name an account signs in with (the container's login, or an identity provider's token) is the account's: no guest
 * may take it from then on, and a guest who held it loses it, with its open connections, on every node, so they do not
 * follow the account's inbox.
 */
@ApplicationScoped
public class Accounts {

    private static final Logger LOG = Logger.getLogger(Accounts.class.getName());
    /** The reason the displaced guest's connections close with (1008). */
    static final String TAKEN = "the name belongs to an account now";

    private GuestNames names;
    private FanOut fanOut;

    protected Accounts() {} // for CDI proxies

    @Inject
    public Accounts(GuestNames names, FanOut fanOut) {
        this.names = names;
        this.fanOut = fanOut;
    }

    /** Records {@code name} as an account's (once per node); closes a displaced guest's connections everywhere. */
    public void signedIn(String name) {
        if (names.reserveForAccount(name)) {
            LOG.info(() -> "the guest " + name + " lost the name to an account: its connections close on every node");
            fanOut.disconnectEverywhere(name, TAKEN);
        }
    }
}
