import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The run command's launcher (a single-file program: {@code java src/run/Run.java start|stop}, JDK 17+, nothing
 * else), started by the POM's {@code wildfly-run}, {@code payara-run} and {@code stop} profiles.
 *
 * <ul>
 *   <li>{@code start}: stops a server an earlier run left behind, checks that the ports are free, then starts
 *       WildFly (its {@code bin/standalone} script, the WAR copied into {@code deployments/} so that each start
 *       deploys it once, never an older copy first) or Payara Micro, with the heap ({@code run.heap}), extra JVM
 *       options ({@code run.jvm}) and the settings file ({@code run.settings}, system properties whose values may
 *       hold commas). The server stops when this program ends (Ctrl-C, SIGTERM) or when its parent, Maven, ends
 *       in any way (SIGKILL included).</li>
 *   <li>{@code stop}: stops every server a {@code start} of this build directory launched, and waits until it is
 *       gone.</li>
 * </ul>
 * Every process it starts carries {@code -Drun.by=<build directory>/run} on its command line: that, not a pid
 * file, is how a leftover server is told from anybody else's.
 */
public final class Run {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path target = Path.of(required("run.target")).toAbsolutePath().normalize();
    private final String marker = "-Drun.by=" + target.resolve("run");
    /** What to tidy once the server has stopped. */
    private Runnable afterStop = () -> {};

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "" : args[0];
        Run run = new Run();
        switch (command) {
            case "start" -> System.exit(run.start(required("run.server")));
            case "stop" -> {
                int stopped = run.stopLeftovers();
                System.out.println(stopped == 0 ? "[run] no server of this build is running"
                        : "[run] stopped; nothing of this build is running any more");
            }
            default -> {
                System.err.println("usage: java -Drun.target=<build directory> src/run/Run.java start|stop");
                System.exit(2);
            }
        }
    }

    private int start(String server) throws Exception {
        if (stopLeftovers() > 0) {
            System.out.println("[run] stopped a server left running by an earlier run");
        }
        List<Integer> ports = server.equals("wildfly")
                ? List.of(8080 + portOffset(), 9990 + portOffset()) // HTTP, management
                : List.of(Integer.parseInt(property("run.port", "8080")));
        for (int port : ports) {
            if (listening(port)) {
                System.err.printf("[run] port %d on 127.0.0.1 is taken by a process this command did not start: stop it"
                        + " first (a server from an older `./mvnw wildfly:run`: `./mvnw wildfly:shutdown`), or use other"
                        + " ports (-Drun.port.offset=100 for WildFly, -Dpayara.run.port=8081 for Payara)%n", port);
                return 1;
            }
        }
        ProcessBuilder builder = switch (server) {
            case "wildfly" -> wildfly();
            case "payara" -> payara();
            default -> throw new IllegalArgumentException("run.server: wildfly or payara, not " + server);
        };
        Process process = builder.inheritIO().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(process.toHandle());
            afterStop.run();
        }, "stop-server"));
        // Maven ended, however (Ctrl-C, kill, kill -9): the server goes with it, through the shutdown hook
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.out.println("[run] Maven ended: stopping the server");
            System.exit(0);
        }));
        return process.waitFor();
    }

    private ProcessBuilder wildfly() throws IOException {
        Path home = Path.of(required("wildfly.home")).toAbsolutePath();
        Path base = home.resolve("standalone");
        String config = required("wildfly.config");
        // 1. no deployment in the configuration: `wildfly:run`/`wildfly:deploy` store theirs there, and the server
        //    would boot that old copy first, then replace it ("Replaced deployment"), dropping every client twice
        Path xml = base.resolve("configuration").resolve(config);
        String text = Files.readString(xml, StandardCharsets.UTF_8);
        String without = text.replaceAll("(?s)\\s*<deployments>.*?</deployments>", "");
        if (!without.equals(text)) {
            Files.writeString(xml, without, StandardCharsets.UTF_8);
            System.out.println("[run] removed the deployments an earlier `wildfly:run`/`wildfly:deploy` left in " + xml);
        }
        // 2. this build's WAR in deployments/, without an earlier run's marker files: the scanner deploys it at boot
        Path deployments = Files.createDirectories(base.resolve("deployments"));
        Path war = Path.of(required("run.war"));
        String name = war.getFileName().toString();
        removeDeployment(deployments, name);
        Files.copy(war, deployments.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        // stopped, the server keeps no copy: a later `wildfly:run`/`wildfly:deploy` would meet this one at boot
        afterStop = () -> {
            try {
                removeDeployment(deployments, name);
            } catch (IOException e) {
                System.err.println("[run] could not remove " + deployments.resolve(name) + ": " + e);
            }
        };

        boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> command = new ArrayList<>(List.of(
                home.resolve("bin").resolve(windows ? "standalone.bat" : "standalone.sh").toString(),
                "-c", config, marker));
        if (portOffset() != 0) {
            command.add("-Djboss.socket.binding.port-offset=" + portOffset());
        }
        settingsFile().ifPresent(f -> command.add("--properties=" + f.toUri()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home")); // the JDK that runs Maven
        env.remove("JAVA_OPTS"); // standalone.conf's defaults, with our heap and options below
        env.put("JBOSS_JAVA_SIZING", ("-Xms64m -Xmx" + heap() + " " + String.join(" ", jvmOptions())).trim());
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1"); // the script relays SIGTERM/SIGINT to the JVM
        return builder;
    }

    private ProcessBuilder payara() throws IOException {
        // a durable instance root, so that the data directory (token secret, history) survives restarts; but Micro
        // also keeps the last run's deployment there and would start that old copy before this one (--deploy):
        // forget it first
        Path root = target.resolve("payara-root");
        String app = Path.of(required("run.war")).getFileName().toString().replaceFirst("\\.war$", "");
        Path domain = root.resolve("config/domain.xml");
        if (Files.isRegularFile(domain)) {
            String text = Files.readString(domain, StandardCharsets.UTF_8);
            String quoted = java.util.regex.Pattern.quote(app);
            String without = text
                    .replaceAll("(?s)\\s*<application [^>]*\\bname=\"" + quoted + "\"[^>]*>.*?</application>", "")
                    .replaceAll("\\s*<application-ref [^>]*\\bref=\"" + quoted + "\"[^>]*(/>|></application-ref>)", "");
            if (!without.equals(text)) {
                Files.writeString(domain, without, StandardCharsets.UTF_8);
            }
        }
        deleteTree(root.resolve("applications").resolve(app));
        deleteTree(root.resolve("applications").resolve("__internal").resolve(app));
        deleteTree(root.resolve("generated"));

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap()));
        command.addAll(jvmOptions());
        command.add(marker);
        command.add("-Dswitchboard.http.payara-timeout=" + required("payara.timeout"));
        command.addAll(List.of("-jar", required("payara.jar"), "--nohazelcast",
                "--prebootcommandfile", required("payara.preboot"),
                "--rootdir", root.toString(),
                "--port", property("run.port", "8080"),
                "--deploy", required("run.war")));
        settingsFile().ifPresent(f -> command.addAll(List.of("--systemproperties", f.toString())));
        return new ProcessBuilder(command).directory(target.toFile());
    }

    /** The WAR in {@code deployments/} and the scanner's marker files ({@code .deployed}, {@code .failed}, …). */
    private static void removeDeployment(Path deployments, String name) throws IOException {
        try (Stream<Path> files = Files.list(deployments)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith(name)).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** WildFly: {@code run.port.offset} added to every port (HTTP 8080, management 9990). */
    private static int portOffset() {
        String offset = property("run.port.offset", "0").trim();
        return offset.isEmpty() ? 0 : Integer.parseInt(offset);
    }

    private static String heap() {
        String heap = property("run.heap", "512m").trim();
        return heap.isEmpty() ? "512m" : heap;
    }

    /** {@code run.jvm}: extra JVM options, separated by spaces. */
    private static List<String> jvmOptions() {
        String options = property("run.jvm", "").trim();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }

    /** The settings file, if there is one; says which settings it and the environment set (names, never values). */
    private static java.util.Optional<Path> settingsFile() {
        TreeSet<String> env = new TreeSet<>();
        System.getenv().keySet().stream().filter(k -> k.startsWith("SWITCHBOARD_")).forEach(env::add);
        if (!env.isEmpty()) {
            System.out.println("[run] settings from the environment: " + String.join(", ", env));
        }
        String name = property("run.settings", "");
        if (name.isBlank()) {
            return java.util.Optional.empty();
        }
        Path file = Path.of(name).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            System.out.println("[run] no settings file " + file + " (optional)");
            return java.util.Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the settings file " + file, e);
        }
        System.out.println("[run] settings from " + file + ": " + String.join(", ", new TreeSet<>(p.stringPropertyNames())));
        return java.util.Optional.of(file);
    }

    /** Stops every process a {@code start} of this build directory launched; how many there were. */
    private int stopLeftovers() {
        long self = ProcessHandle.current().pid();
        List<ProcessHandle> ours = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
        ours.forEach(Run::stop);
        return ours.size();
    }

    /** SIGTERM (both servers shut down in order), then waits; SIGKILL if it takes longer than {@link #STOP_TIMEOUT}. */
    private static void stop(ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList()); // WildFly: the script's JVM
        tree.add(process);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("[run] process " + p.pid() + " did not stop in " + STOP_TIMEOUT.toSeconds() + " s: killed");
                p.destroyForcibly();
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String property(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null ? fallback : value;
    }

    private static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing -D" + name);
        }
        return value;
    }
}
