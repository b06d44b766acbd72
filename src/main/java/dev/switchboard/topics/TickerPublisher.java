package dev.switchboard.topics;

import dev.switchboard.cluster.ClusterNode;
import dev.switchboard.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ticker.<SYMBOL>}: a simulated quote (a random walk) each second for the configured symbols,
 * published only for symbols someone is subscribed to, on the container's managed scheduler. In a cluster one node
 * ticks (the leader, {@link ClusterNode#leads}), for every symbol, since it cannot see the other nodes' subscribers: two
 * random walks on one topic would contradict each other.
 */
@ApplicationScoped
public class TickerPublisher {

    private static final JsonProvider JSON = JsonProvider.provider(); // the lookup is slow: once

    public static final String ROOT = "ticker";

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    private TopicService topics;
    private ClusterNode node;
    private final Map<String, BigDecimal> prices = new LinkedHashMap<>();
    private ScheduledFuture<?> task;

    protected TickerPublisher() {} // for CDI proxies

    @Inject
    public TickerPublisher(TopicService topics, Settings settings, ClusterNode node) {
        this(topics, settings);
        this.node = node;
    }

    /** Outside a container: one node. */
    public TickerPublisher(TopicService topics, Settings settings) {
        this.topics = topics;
        for (String symbol : settings.tickerSymbols()) {
            if (TopicNames.isTopic(ROOT + "." + symbol)) {
                prices.put(symbol, BigDecimal.valueOf(100));
            }
        }
    }

    void started(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        start(managedScheduler);
    }

    /** Ticks once a second on the given scheduler (the managed one in the container). */
    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task == null) {
            task = scheduler.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** One quote for every symbol that has a subscriber. */
    public synchronized void tick() {
        boolean clustered = node != null && node.clustered();
        if (clustered && !node.leads()) {
            return;
        }
        for (Map.Entry<String, BigDecimal> e : prices.entrySet()) {
            String topic = ROOT + "." + e.getKey();
            if (!clustered && !topics.hasSubscribers(topic)) {
                continue;
            }
            BigDecimal old = e.getValue();
            double step = ThreadLocalRandom.current().nextGaussian() * 0.005;
            BigDecimal price = old.multiply(BigDecimal.valueOf(1 + step)).setScale(2, RoundingMode.HALF_UP)
                    .max(BigDecimal.valueOf(0.01));
            e.setValue(price);
            topics.publish(topic, JSON.createObjectBuilder().add("symbol", e.getKey()).add("price", price)
                    .add("change", price.subtract(old)).build());
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
