package dev.switchboard.web;

import dev.switchboard.delivery.StreamFollowers;
import dev.switchboard.metrics.Metrics;
import dev.switchboard.socket.ConnectionRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * Binds the gauges of {@code GET /api/metrics} (connections, users, queued bytes, streams, follows) when the application
 * starts, through the beans' CDI proxies, so a scrape reads the application's own instances. Not from the beans'
 * constructors: Payara Micro's MicroProfile Health calls a check once outside the application's context before calling it
 * inside, and that first call builds a second, empty instance of each {@code @ApplicationScoped} bean it reaches (seen
 * with {@link ConnectionRegistry}); a gauge bound there would read that one forever.
 */
@ApplicationScoped
public class MetricsGauges {

    void bind(@Observes @Initialized(ApplicationScoped.class) Object event, Metrics metrics, ConnectionRegistry connections,
            StreamFollowers followers) {
        bind(metrics, connections, followers);
    }

    /** Also for in-process tests, which wire the beans by hand. */
    public static void bind(Metrics metrics, ConnectionRegistry connections, StreamFollowers followers) {
        metrics.watchConnections(connections::size, connections::users, connections::queuedBytes);
        metrics.watchStreams(followers::streamCount, followers::followCount);
    }
}
