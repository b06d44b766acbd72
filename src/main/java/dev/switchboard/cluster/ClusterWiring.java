package dev.switchboard.cluster;

import dev.switchboard.chat.LocalPresence;
import dev.switchboard.chat.Presence;
import dev.switchboard.delivery.CommitAnnouncer;
import dev.switchboard.delivery.HistoryStore;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.security.GuestNames;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.websocket.CloseReason;
import java.util.List;

/**
 * The seams a cluster changes, chosen once per node ({@link ClusterNode#clustered}): the fan-out, presence, and
 * what the history's writer tells other nodes at each commit. Chat and topics see only the interfaces.
 */
@ApplicationScoped
public class ClusterWiring {

    /** A node listens, and takes its lease, when the application starts, not when its first client arrives. */
    void startup(@Observes @Initialized(ApplicationScoped.class) Object event, FanOut fanOut, Presence presence) {
        fanOut.trouble();
        presence.roomCount();
    }

    @Produces
    @ApplicationScoped
    FanOut fanOut(ClusterNode node, HistoryStore history, ConnectionRegistry connections, GuestNames guests, Metrics metrics) {
        FanOut fanOut = node.clustered() ? new PostgresFanOut(node, history, metrics).start() : new LocalFanOut();
        fanOut.onDisconnect((user, reason) -> {
            guests.forget(user); // a sign-out elsewhere: this node's cached claim is stale
            List.copyOf(connections.ofUser(user)).forEach(c -> c.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, reason)));
        });
        return fanOut;
    }

    void stop(@Disposes FanOut fanOut) {
        if (fanOut instanceof PostgresFanOut pg) {
            pg.stop();
        }
    }

    @Produces
    @ApplicationScoped
    Presence presence(ClusterNode node, FanOut fanOut) {
        if (!node.clustered()) {
            return new LocalPresence();
        }
        SharedPresence shared = new SharedPresence(node, fanOut);
        NodeLeases leases = new NodeLeases(node, shared);
        leases.start();
        node.onClose(leases::stop);
        return shared;
    }

    @Produces
    CommitAnnouncer announcer(ClusterNode node) {
        if (!node.clustered()) {
            return CommitAnnouncer.NONE;
        }
        return PostgresFanOut.doorbell(node);
    }
}
