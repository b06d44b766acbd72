package dev.switchboard.chat;

import dev.switchboard.delivery.HistoryStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which users exist as far as direct messages go: anyone who signed in or connected since the server
 * started, or who has an inbox in history. A direct message to anyone else is {@code not_found}
 * (rather than stored for a name that may never be used).
 */
@ApplicationScoped
public class UserDirectory {

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private HistoryStore history;

    protected UserDirectory() {} // for CDI proxies

    @Inject
    public UserDirectory(HistoryStore history) {
        this.history = history;
    }

    public void remember(String user) {
        seen.add(user);
    }

    public boolean exists(String user) {
        return seen.contains(user) || history.latest(Streams.inbox(user)) > 0;
    }
}
