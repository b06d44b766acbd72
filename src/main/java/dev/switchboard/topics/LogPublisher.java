package dev.switchboard.topics;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.JsonObjectBuilder;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code logs.server} (every record of level INFO and above the server's root logger sees) and
 * {@code logs.switchboard} (this application's own loggers): a {@link java.util.logging.Handler} on the
 * root logger (WildFly's log manager honours JUL handlers) that only queues, drained onto the topics
 * every 250 ms on the managed scheduler, and only while someone is subscribed.
 */
@ApplicationScoped
public class LogPublisher {

    private static final JsonProvider JSON = JsonProvider.provider(); // the lookup is slow: once

    public static final String SERVER = TopicService.LOGS + ".server";
    public static final String APP = TopicService.LOGS + ".switchboard";
    private static final int MAX_QUEUED = 10_000;
    private static final ThreadLocal<Boolean> DRAINING = new ThreadLocal<>();

    @Resource
    private ManagedScheduledExecutorService managedScheduler;

    private static final String STORE_LOGGERS = "dev.switchboard.delivery";
    /** The cluster's loggers speak of the same database (its doorbell, leases): the same loop, on a database outage. */
    private static final String CLUSTER_LOGGERS = "dev.switchboard.cluster";

    private TopicService topics;
    private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Formatter formatter = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };
    /**
     * The store's own records (and the cluster's, on the same database) are not published: log lines are stored like
     * any topic event, so a store that logs a failure would otherwise feed itself a new event to fail on.
     */
    private static boolean fromTheStore(LogRecord record) {
        String logger = record.getLoggerName();
        return logger != null && (logger.startsWith(STORE_LOGGERS) || logger.startsWith(CLUSTER_LOGGERS));
    }

    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            try {
                if (isLoggable(record) && DRAINING.get() == null && !fromTheStore(record)
                        && (topics.hasSubscribers(SERVER) || topics.hasSubscribers(APP))) {
                    queue.offer(record); // a full queue drops: logging must never wait for subscribers
                }
            } catch (RuntimeException e) { // e.g. the application is being undeployed: never fail the caller's logging
                // nothing to do
            }
        }

        @Override
        public void flush() {
            // nothing buffered beyond the queue
        }

        @Override
        public void close() {
            // removed in stop()
        }
    };
    private ScheduledFuture<?> task;

    protected LogPublisher() {} // for CDI proxies

    @Inject
    public LogPublisher(TopicService topics) {
        this.topics = topics;
        handler.setLevel(Level.INFO);
    }

    void started(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        start(managedScheduler);
    }

    public synchronized void start(ScheduledExecutorService scheduler) {
        if (task == null) {
            Logger.getLogger("").addHandler(handler);
            task = scheduler.scheduleWithFixedDelay(this::drain, 250, 250, TimeUnit.MILLISECONDS);
        }
    }

    /** The handler on the root logger (for tests outside the container). */
    public Handler handler() {
        return handler;
    }

    /** Publishes what was queued; records logged while publishing are not fed back. */
    public void drain() {
        DRAINING.set(Boolean.TRUE);
        try {
            LogRecord r;
            while ((r = queue.poll()) != null) {
                JsonObjectBuilder line = JSON.createObjectBuilder().add("level", r.getLevel().getName())
                        .add("logger", String.valueOf(r.getLoggerName())).add("message", String.valueOf(formatter.format(r)));
                if (r.getThrown() != null) {
                    line.add("thrown", String.valueOf(r.getThrown()));
                }
                var data = line.build();
                topics.publish(SERVER, data);
                if (r.getLoggerName() != null && r.getLoggerName().startsWith("dev.switchboard.")) {
                    topics.publish(APP, data);
                }
            }
        } finally {
            DRAINING.remove();
        }
    }

    @PreDestroy
    synchronized void stop() {
        Logger.getLogger("").removeHandler(handler);
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }
}
