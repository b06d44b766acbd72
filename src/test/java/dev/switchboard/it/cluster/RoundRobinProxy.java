package dev.switchboard.it.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cluster's "load balancer" for tests: a TCP proxy on 127.0.0.1 that hands each new connection to the next
 * backend in turn (round robin), skipping backends that refuse the connection (a stopped or killed node). It
 * forwards bytes only, so HTTP keep-alive connections and WebSockets stay on the backend they were given. It notes
 * each connection's first request line, so a test can ask where a client's WebSocket went ({@link #openBackends}).
 */
public final class RoundRobinProxy implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final ServerSocket server;
    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Open client connections: which backend each was given, and its first request line. */
    private final Map<Socket, Route> routes = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "round-robin-proxy");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private RoundRobinProxy(ServerSocket server, List<InetSocketAddress> backends) {
        this.server = server;
        this.backends = List.copyOf(backends);
        this.connections = new AtomicLongArray(backends.size());
        threads.execute(this::accept);
    }

    /** A proxy on 127.0.0.1:{@code port} ({@code 0}: any free port) in front of these loopback ports. */
    public static RoundRobinProxy start(int port, List<Integer> backendPorts) {
        if (backendPorts.isEmpty()) {
            throw new IllegalArgumentException("no backends");
        }
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            ServerSocket server = new ServerSocket(port, 50, loopback);
            return new RoundRobinProxy(server,
                    backendPorts.stream().map(p -> new InetSocketAddress(loopback, p)).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    /** A proxy on 127.0.0.1:{@code port} in front of these nodes' HTTP ports. */
    public static RoundRobinProxy of(int port, List<ClusterNode> nodes) {
        return start(port, nodes.stream().map(ClusterNode::httpPort).toList());
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<proxy port>/switchboard<path>} */
    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + "/switchboard" + path);
    }

    /** {@code ws://127.0.0.1:<proxy port>/switchboard<path>} */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port() + "/switchboard" + path);
    }

    /** How many client connections went to each backend so far (in the order given). */
    public long[] connections() {
        long[] c = new long[backends.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = connections.get(i);
        }
        return c;
    }

    /**
     * The backends (indexes, in the order given) of the open client connections whose first request line starts
     * with {@code requestLinePrefix}, such as {@code "GET /switchboard/ws/chat"}: where a browser's WebSocket is
     * (browsers open a connection of its own for each WebSocket).
     */
    public List<Integer> openBackends(String requestLinePrefix) {
        return routes.values().stream().filter(r -> r.firstLine().startsWith(requestLinePrefix))
                .map(Route::backend).toList();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        open.forEach(RoundRobinProxy::closeQuietly);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: accept failed: " + e);
                }
                return;
            }
            open.add(client);
            threads.execute(() -> connect(client));
        }
    }

    /** To the next backend that accepts; a client nobody accepts is closed (as a load balancer with no live node). */
    private void connect(Socket client) {
        int first = Math.floorMod(next.getAndIncrement(), backends.size());
        for (int i = 0; i < backends.size(); i++) {
            int b = (first + i) % backends.size();
            Socket backend = new Socket();
            try {
                backend.connect(backends.get(b), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException refused) {
                closeQuietly(backend);
                continue;
            }
            connections.incrementAndGet(b);
            open.add(backend);
            Route route = new Route(b);
            routes.put(client, route);
            AtomicInteger ended = new AtomicInteger();
            threads.execute(() -> pump(client, backend, ended, route));
            threads.execute(() -> pump(backend, client, ended, null));
            return;
        }
        open.remove(client);
        closeQuietly(client);
    }

    /**
     * Copies one direction until its end, then half-closes the other side (HTTP clients may half-close after a
     * request); when both directions have ended, or on any error, both sockets are closed.
     */
    private void pump(Socket from, Socket to, AtomicInteger ended, Route route) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream(); // not closed here: closing a socket's stream closes the socket
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (route != null) {
                    route.read(buffer, n);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
            if (ended.incrementAndGet() == 2) {
                finish(from, to);
            }
        } catch (IOException e) {
            // reset, or closed by the other direction or by close(): the pair is done
            finish(from, to);
        }
    }

    private void finish(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
        routes.remove(a); // the client is one of the two
        routes.remove(b);
    }

    /** A client connection's backend, and the first line the client sent (collected until its CRLF). */
    private static final class Route {
        private static final int MAX_LINE = 8 * 1024;
        private final int backend;
        private final StringBuilder line = new StringBuilder();
        private volatile String firstLine = "";
        private boolean complete; // only the client-to-backend pump writes

        Route(int backend) {
            this.backend = backend;
        }

        int backend() {
            return backend;
        }

        String firstLine() {
            return firstLine;
        }

        void read(byte[] bytes, int n) {
            if (complete) {
                return;
            }
            String chunk = new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            int end = chunk.indexOf('\n');
            line.append(end < 0 ? chunk : chunk.substring(0, end));
            if (end >= 0 || line.length() >= MAX_LINE) {
                complete = true;
                firstLine = line.toString().strip();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
