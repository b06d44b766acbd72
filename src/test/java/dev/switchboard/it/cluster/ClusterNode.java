package dev.switchboard.it.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * One cluster node: a WildFly or Payara Micro JVM launched directly (no launcher script, no Arquillian), so that
 * {@link #kill()} is a real SIGKILL of the server itself. Each node has its own directory under
 * {@code target/cluster/<name>} and its own log, {@code target/cluster/<name>.log} (appended across restarts).
 * Settings come from failsafe's system properties (see the {@code cluster-it} execution in pom.xml).
 */
public final class ClusterNode implements AutoCloseable {

    public enum Kind { WILDFLY, PAYARA }

    /** How long a graceful stop may take before the node is killed. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** WildFly's defaults that the port offset moves (http, https, management http/https). */
    private static final int[] WILDFLY_PORTS = {8080, 8443, 9990, 9993};

    private final Kind kind;
    private final String name;
    private final int httpPort;
    private final int portOffset; // WildFly only
    private final List<String> extraOptions;
    private final Path dir;
    private final Path log;
    private Process process;
    private Instant startedAt;
    private boolean reported; // the start time is printed once per start
    private volatile long logOffset; // where this start's output begins in the log
    private boolean prepared;

    private ClusterNode(Kind kind, String name, int httpPort, int portOffset, List<String> extraOptions) {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("node names are [a-z0-9-]+ (they name directories): " + name);
        }
        this.kind = kind;
        this.name = name;
        this.httpPort = httpPort;
        this.portOffset = portOffset;
        this.extraOptions = List.copyOf(extraOptions);
        Path root = Path.of(property("it.cluster.dir", "target/cluster")).toAbsolutePath();
        this.dir = root.resolve(name);
        this.log = root.resolve(name + ".log");
    }

    /** A WildFly node whose ports are WildFly's defaults plus {@code portOffset} (HTTP 8080+offset, management 9990+offset). */
    public static ClusterNode wildfly(String name, int portOffset, List<String> extraOptions) {
        return new ClusterNode(Kind.WILDFLY, name, 8080 + portOffset, portOffset, extraOptions);
    }

    /** A Payara Micro node serving HTTP on {@code httpPort} (no HTTPS, no Hazelcast). */
    public static ClusterNode payara(String name, int httpPort, List<String> extraOptions) {
        return new ClusterNode(Kind.PAYARA, name, httpPort, 0, extraOptions);
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    /** WildFly's management port (9990 + offset); -1 for Payara Micro, which has none. */
    public int managementPort() {
        return kind == Kind.WILDFLY ? 9990 + portOffset : -1;
    }

    /** The per-node JVM options this node was defined with (on top of the shared IT settings). */
    public List<String> extraOptions() {
        return extraOptions;
    }

    /** The node's console output (stdout and stderr), appended across restarts. */
    public Path log() {
        return log;
    }

    /** The node's own directory (WildFly base directory, Payara root directory, data directory). */
    public Path directory() {
        return dir;
    }

    /** {@code http://127.0.0.1:<port>/switchboard} */
    public URI http() {
        return URI.create("http://127.0.0.1:" + httpPort + "/switchboard");
    }

    /** {@code http://127.0.0.1:<port>/switchboard<path>} */
    public URI http(String path) {
        return URI.create(http() + path);
    }

    /** {@code ws://127.0.0.1:<port>/switchboard<path>} */
    public URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + httpPort + "/switchboard" + path);
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The server JVM's process id, or -1 when not started. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Launches the server JVM (returns at once; see {@link #awaitReady}). A running node is left as it is. */
    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        try {
            if (!prepared) { // first start in this JVM: a fresh directory and log; later starts keep both
                deleteTree(dir);
                Files.createDirectories(dir);
                Files.deleteIfExists(log);
                prepared = true;
            }
            // an orphan of an earlier run (or any other process) on our ports would answer our health checks
            for (int port : ports()) {
                assertFree(port);
            }
            List<String> command = kind == Kind.WILDFLY ? wildflyCommand() : payaraCommand();
            Files.writeString(log, "=== " + Instant.now() + " starting " + name + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logOffset = Files.size(log);
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            startedAt = Instant.now();
            reported = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (log: " + log + ")", e);
        }
    }

    /**
     * Waits until {@code GET /api/health} answers 200 (it answers 503 while the node is not ready, 404 while WildFly
     * has not deployed the WAR yet). Fails with the log's last lines if the process ends or time runs out.
     */
    public void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer";
        while (true) {
            Process p;
            Instant started;
            synchronized (this) {
                p = process;
                started = startedAt;
            }
            if (p == null) {
                throw new IllegalStateException(name + " was not started");
            }
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited with " + p.exitValue() + " before it was ready; log "
                        + log + ":\n" + tail(40));
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(http("/api/health"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    reportStartTime(started);
                    return;
                }
                last = r.statusCode() + " " + abbreviate(r.body());
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + name, e);
            }
            String failed = deploymentFailure();
            if (failed != null) { // the server runs on without the application: no use waiting
                throw new AssertionError(name + ": " + failed + "; log " + log + ":\n" + tail(60));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + " not ready within " + timeout.toSeconds() + " s (last health answer: "
                        + last + "); log " + log + ":\n" + tail(40));
            }
            // waiting for the process, not a sleep: returns early if the node dies
            waitFor(p, Duration.ofMillis(250));
        }
    }

    /** Why the WAR failed to deploy in this start, or null while nothing says so. */
    private String deploymentFailure() {
        if (kind == Kind.WILDFLY) {
            Path marker = dir.resolve("standalone/deployments/switchboard.war.failed");
            return Files.exists(marker) ? "the deployment failed (" + marker + ")" : null;
        }
        String output = logSince(logOffset);
        return output.contains("Exception while loading the app") ? "the deployment failed (Exception while loading the app)" : null;
    }

    private String logSince(long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, f.length() - offset)];
            f.seek(offset);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** Start times are worth watching: they dominate the cluster ITs' run time (failsafe's -output.txt). */
    private synchronized void reportStartTime(Instant started) {
        if (!reported && started.equals(startedAt)) {
            reported = true;
            System.out.printf("cluster: %s ready %.1f s after its start%n", name,
                    Duration.between(started, Instant.now()).toMillis() / 1000.0);
        }
    }

    /** Graceful stop (SIGTERM: both servers shut down in order), waiting for the JVM to end; killed if it does not. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        if (process.isAlive()) {
            process.destroy();
            if (!waitFor(process, STOP_TIMEOUT)) {
                appendToLog("=== " + Instant.now() + " " + name + " did not stop within " + STOP_TIMEOUT.toSeconds()
                        + " s: killed");
                kill();
            }
        }
    }

    /** SIGKILL: the server gets no chance to clean up (a crash), then waits for the JVM to be gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        if (!process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        if (!waitFor(process, STOP_TIMEOUT)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") still alive " + STOP_TIMEOUT.toSeconds()
                    + " s after SIGKILL");
        }
        appendToLog("=== " + Instant.now() + " " + name + " killed (SIGKILL)");
    }

    /** Stops the node if it runs, then starts it again on the same ports and directories (data survives). */
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    /** The log's last {@code lines} lines (for failure messages). */
    public String tail(int lines) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(0, f.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (" + kind + ", http " + httpPort + (isAlive() ? ", pid " + pid() : ", not running") + ")";
    }

    // --- launching

    private int[] ports() {
        return kind == Kind.WILDFLY ? Arrays.stream(WILDFLY_PORTS).map(p -> p + portOffset).toArray() : new int[] {httpPort};
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString(); // the JDK the tests run on
    }

    /** The JVM options every node gets: heap, the shared IT settings, its own data directory, the extras. */
    private List<String> commonJvmOptions() {
        List<String> c = new ArrayList<>();
        c.add("-Xms64m");
        c.add("-Xmx512m");
        c.add("-Djava.net.preferIPv4Stack=true");
        c.add("-Dswitchboard.it.cluster.node=" + name); // names the process in `ps` (orphans of a killed build)
        for (String o : property("it.switchboard.opts", "").trim().split("\\s+")) {
            if (!o.isEmpty()) {
                c.add(o);
            }
        }
        c.add("-Dswitchboard.data.dir=" + dir.resolve("switchboard-data"));
        c.addAll(extraOptions); // last: a test's setting overrides the shared one
        return c;
    }

    /** What bin/standalone.sh runs on a modular JDK (Java 17), launched without the script. */
    private List<String> wildflyCommand() throws IOException {
        Path home = Path.of(required("jboss.home")).toAbsolutePath();
        Path base = prepareWildflyBase(home);
        List<String> c = new ArrayList<>();
        c.add(java());
        c.add("-D[Standalone]");
        c.addAll(commonJvmOptions());
        c.add("-Djboss.modules.system.pkgs=org.jboss.byteman");
        c.add("-Djava.awt.headless=true");
        c.add("-Djdk.serialFilter=maxbytes=10485760;maxdepth=128;maxarray=100000;maxrefs=300000");
        // bin/common.sh's default modular options
        c.addAll(List.of(
                "--add-exports=java.desktop/sun.awt=ALL-UNNAMED",
                "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
                "--add-exports=java.naming/com.sun.jndi.url.ldap=ALL-UNNAMED",
                "--add-exports=java.naming/com.sun.jndi.url.ldaps=ALL-UNNAMED",
                "--add-exports=jdk.naming.dns/com.sun.jndi.dns=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--add-opens=java.base/java.security=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.management/javax.management=ALL-UNNAMED",
                "--add-opens=java.naming/javax.naming=ALL-UNNAMED"));
        c.add("-Dorg.jboss.boot.log.file=" + base.resolve("log/server.log"));
        c.add("-Dlogging.configuration=file:" + base.resolve("configuration/logging.properties"));
        c.addAll(List.of("-jar", home.resolve("jboss-modules.jar").toString(),
                "-mp", home.resolve("modules").toString(),
                "org.jboss.as.standalone",
                "-Djboss.home.dir=" + home,
                "-Djboss.server.base.dir=" + base,
                "-c", property("it.server.config", "standalone-microprofile.xml"),
                "-Djboss.socket.binding.port-offset=" + portOffset,
                "-Djboss.bind.address=127.0.0.1",
                "-Djboss.bind.address.management=127.0.0.1"));
        return c;
    }

    /**
     * The node's base directory: on first use, the distribution's configuration with the hardened HTTP listener
     * (what the antrun {@code harden-*} executions do for the other servers); on every start, the WAR copied into
     * {@code deployments/} (the scanner deploys it at boot) without the previous run's marker files.
     */
    private Path prepareWildflyBase(Path home) throws IOException {
        Path base = dir.resolve("standalone");
        Path config = base.resolve("configuration");
        if (!Files.isDirectory(config)) {
            Path source = home.resolve("standalone/configuration");
            Files.createDirectories(config);
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) { // not standalone_xml_history
                    Files.copy(f, config.resolve(f.getFileName()));
                }
            }
            Path xml = config.resolve(property("it.server.config", "standalone-microprofile.xml"));
            String hardened = required("it.http.listener.hardened").replace("$${", "${"); // the pom's value is Ant-escaped
            String text = Files.readString(xml)
                    // a deployment a developer made on the run server (wildfly:deploy) is not this node's
                    .replaceAll("(?s)<deployments>.*?</deployments>", "");
            String edited = text.replaceFirst("<http-listener name=\"default\" socket-binding=\"http\"[^>]*/>",
                    Matcher.quoteReplacement(hardened));
            if (!edited.contains("request-parse-timeout=\"${switchboard.http.parse-timeout")) {
                throw new IllegalStateException("no default http-listener to harden in " + xml);
            }
            Files.writeString(xml, edited);
        }
        Path deployments = Files.createDirectories(base.resolve("deployments"));
        try (Stream<Path> markers = Files.list(deployments)) {
            for (Path m : markers.filter(f -> f.getFileName().toString().startsWith("switchboard.war.")).toList()) {
                Files.delete(m); // a .failed marker would keep the scanner from deploying again
            }
        }
        Files.copy(Path.of(required("it.war")), deployments.resolve("switchboard.war"), StandardCopyOption.REPLACE_EXISTING);
        return base;
    }

    private List<String> payaraCommand() throws IOException {
        Path root = dir.resolve("payara");
        if (Files.isDirectory(root)) {
            // Payara keeps the deployment in its root directory and loads it at boot, and then --deploy undeploys and
            // deploys it again: the node would answer 200, then 503 for a while. Every start begins from a clean root,
            // keeping only the unpacked runtime (100 MB, slow to unpack); the application's data is in its data dir.
            try (Stream<Path> entries = Files.list(root)) {
                for (Path e : entries.filter(e -> !e.getFileName().toString().equals("runtime")).toList()) {
                    deleteTree(e);
                }
            }
        }
        List<String> c = new ArrayList<>();
        c.add(java());
        c.addAll(commonJvmOptions());
        c.addAll(List.of("-jar", Path.of(required("payara.micro.jar")).toAbsolutePath().toString(),
                "--nohazelcast", // not --nocluster: that leaves Hazelcast listening (see arquillian.xml)
                "--disablephonehome",
                "--prebootcommandfile", Path.of(required("payara.preboot")).toAbsolutePath().toString(), // 127.0.0.1 only
                "--rootdir", root.toString(),
                "--port", String.valueOf(httpPort),
                "--contextroot", "switchboard",
                "--deploy", Path.of(required("it.war")).toAbsolutePath().toString()));
        return c;
    }

    // --- helpers

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void appendToLog(String line) {
        try {
            Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is a diagnostic only
        }
    }

    private void assertFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            // free
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " of node " + name + " is taken (an orphaned server of an"
                    + " earlier run? look for -Dswitchboard.it.cluster.node=" + name + " in ps)", e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String property(String key, String fallback) {
        return System.getProperty(key, fallback);
    }

    static String required(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set: run the cluster ITs through"
                    + " failsafe (./mvnw -o verify -Pcluster), which sets it");
        }
        return v;
    }
}
