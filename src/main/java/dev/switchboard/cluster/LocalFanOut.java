package dev.switchboard.cluster;

import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.socket.OutboundFrame;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Fan-out on one node: straight to the local followers, on the publishing thread (queues never block). */
@ApplicationScoped
public class LocalFanOut implements FanOut {

    private StreamFollowers followers;

    protected LocalFanOut() {} // for CDI proxies

    @Inject
    public LocalFanOut(StreamFollowers followers) {
        this.followers = followers;
    }

    @Override
    public void publish(String stream, long seq, OutboundFrame frame, String skipUser) {
        followers.deliver(stream, seq, frame, skipUser);
    }
}
