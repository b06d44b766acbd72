package dev.switchboard.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/ checked without a Docker engine (none runs in CI): the compose file parses and wires the app to
 * PostgreSQL with health checks; each Dockerfile starts from the official image of the server version we
 * test, runs as non-root, has a health check, and copies only files that exist or that the build produces.
 */
class DockerFilesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Path DOCKER = ROOT.resolve("docker");

    @Test
    void wildflyImageIsTheTestedVersionRunsAsJbossWithAHealthCheck() throws IOException {
        Dockerfile f = Dockerfile.read(DOCKER.resolve("Dockerfile.wildfly"));
        assertEquals("quay.io/wildfly/wildfly:" + pomProperty("wildfly.version") + "-jdk17", f.from());
        assertEquals("jboss", f.user());
        assertTrue(f.healthcheck().contains("/health/ready"), f.healthcheck());
        // the configuration the run command and the ITs use (MicroProfile Health with the app's checks)
        assertTrue(f.cmd().contains("\"" + pomProperty("wildfly.server.config") + "\""), f.cmd());
        f.assertCopiesExistOrAreBuilt();
    }

    @Test
    void payaraImageIsTheTestedVersionRunsAsPayaraWithoutHazelcastWithAHealthCheck() throws IOException {
        Dockerfile f = Dockerfile.read(DOCKER.resolve("Dockerfile.payara"));
        assertEquals("payara/micro:" + pomProperty("payara.version") + "-jdk17", f.from());
        assertEquals("payara", f.user());
        assertTrue(f.healthcheck().contains("/health/ready"), f.healthcheck());
        assertTrue(f.cmd().contains("--nohazelcast") && f.cmd().contains("--rootdir"), f.cmd());
        f.assertCopiesExistOrAreBuilt();
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeStartsTheAppWithPostgresAsItsHistoryDatabase() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        Map<String, Object> postgres = (Map<String, Object>) services.get("postgres");
        assertTrue(String.valueOf(postgres.get("image")).startsWith("postgres:"), String.valueOf(postgres.get("image")));
        assertHealthcheck(postgres, "pg_isready");
        Map<String, Object> pgEnv = (Map<String, Object>) postgres.get("environment");
        assertNull(postgres.get("ports"), "the database is not published on the host");

        Map<String, String> dockerfiles = Map.of("switchboard", "docker/Dockerfile.wildfly",
                "switchboard-payara", "docker/Dockerfile.payara");
        for (var e : dockerfiles.entrySet()) {
            Map<String, Object> app = (Map<String, Object>) services.get(e.getKey());
            assertNotNull(app, e.getKey());
            Map<String, Object> build = (Map<String, Object>) app.get("build");
            assertEquals(e.getValue(), build.get("dockerfile"));
            assertEquals(ROOT.normalize(), DOCKER.resolve(String.valueOf(build.get("context"))).normalize(),
                    "the build context is the repository root, where target/ is");
            assertTrue(Files.isRegularFile(ROOT.resolve(e.getValue())), e.getValue());

            Map<String, Object> env = (Map<String, Object>) app.get("environment");
            assertEquals("jdbc:postgresql://postgres:5432/" + pgEnv.get("POSTGRES_DB"), env.get("SWITCHBOARD_DB_URL"));
            assertEquals(pgEnv.get("POSTGRES_USER"), env.get("SWITCHBOARD_DB_USER"));
            assertEquals(pgEnv.get("POSTGRES_PASSWORD"), env.get("SWITCHBOARD_DB_PASSWORD"));
            assertTrue(env.containsKey("SWITCHBOARD_TOKEN_SECRET"), "one secret for every node");

            Map<String, Object> dependsOn = (Map<String, Object>) app.get("depends_on");
            assertEquals("service_healthy", ((Map<String, Object>) dependsOn.get("postgres")).get("condition"));
            for (Object port : (List<Object>) app.get("ports")) {
                assertTrue(String.valueOf(port).startsWith("127.0.0.1:"), "published on loopback only: " + port);
            }
            String check = Dockerfile.read(ROOT.resolve(e.getValue())).healthcheck();
            String composeCheck = assertHealthcheck(app, "127.0.0.1");
            assertTrue(composeCheck.contains("/health/ready"), "readiness, as the image: " + composeCheck);
            assertTrue(check.contains(composeCheck.contains("9990") ? "9990/health/ready" : "/dev/tcp/127.0.0.1/8080"),
                    "compose checks what the image checks: " + composeCheck + " / " + check);
        }
    }

    /**
     * docker/cluster.yaml: two nodes of the same image as compose.yaml's app, one PostgreSQL (the same image), one
     * load balancer from an official image; the nodes share the database and the token secret; only the load balancer
     * publishes a port, on loopback.
     */
    @Test
    @SuppressWarnings("unchecked")
    void clusterRunsTwoNodesOnOneDatabaseBehindALoadBalancerThatAloneIsPublished() throws IOException {
        Map<String, Object> single = (Map<String, Object>) ((Map<String, Object>) new Yaml()
                .load(Files.readString(DOCKER.resolve("compose.yaml")))).get("services");
        Map<String, Object> cluster = new Yaml().load(Files.readString(DOCKER.resolve("cluster.yaml")));
        Map<String, Object> services = (Map<String, Object>) cluster.get("services");

        Map<String, Object> postgres = (Map<String, Object>) services.get("postgres");
        assertEquals(((Map<String, Object>) single.get("postgres")).get("image"), postgres.get("image"),
                "the PostgreSQL image of compose.yaml");
        assertHealthcheck(postgres, "pg_isready");
        assertNull(postgres.get("ports"), "the database is not published on the host");
        Map<String, Object> pgEnv = (Map<String, Object>) postgres.get("environment");

        Map<String, Object> singleApp = (Map<String, Object>) single.get("switchboard");
        String appDockerfile = String.valueOf(((Map<String, Object>) singleApp.get("build")).get("dockerfile"));
        List<String> nodes = new ArrayList<>();
        for (var e : services.entrySet()) {
            Map<String, Object> service = (Map<String, Object>) e.getValue();
            if (service.get("build") instanceof Map<?, ?> build && appDockerfile.equals(build.get("dockerfile"))) {
                nodes.add(e.getKey());
            }
        }
        assertEquals(2, nodes.size(), "two nodes of the app's image: " + nodes);
        Map<String, Object> sharedEnv = null;
        for (String name : nodes) {
            Map<String, Object> node = (Map<String, Object>) services.get(name);
            Map<String, Object> build = (Map<String, Object>) node.get("build");
            assertEquals(ROOT.normalize(), DOCKER.resolve(String.valueOf(build.get("context"))).normalize(),
                    "the build context is the repository root, where target/ is");
            assertNull(node.get("ports"), name + " is reached through the load balancer only");
            Map<String, Object> env = (Map<String, Object>) node.get("environment");
            assertEquals("jdbc:postgresql://postgres:5432/" + pgEnv.get("POSTGRES_DB"), env.get("SWITCHBOARD_DB_URL"));
            assertEquals(pgEnv.get("POSTGRES_USER"), env.get("SWITCHBOARD_DB_USER"));
            assertEquals(pgEnv.get("POSTGRES_PASSWORD"), env.get("SWITCHBOARD_DB_PASSWORD"));
            assertNotNull(env.get("SWITCHBOARD_TOKEN_SECRET"), name + ": a token secret");
            if (sharedEnv == null) {
                sharedEnv = env;
            }
            for (String key : List.of("SWITCHBOARD_DB_URL", "SWITCHBOARD_DB_USER", "SWITCHBOARD_DB_PASSWORD",
                    "SWITCHBOARD_TOKEN_SECRET")) {
                assertEquals(sharedEnv.get(key), env.get(key), key + " is the same on every node");
            }
            Map<String, Object> dependsOn = (Map<String, Object>) node.get("depends_on");
            assertEquals("service_healthy", ((Map<String, Object>) dependsOn.get("postgres")).get("condition"));
            assertEquals(((Map<String, Object>) singleApp.get("healthcheck")).get("test"),
                    ((Map<String, Object>) node.get("healthcheck")).get("test"), "the readiness check of compose.yaml");
        }

        List<String> published = new ArrayList<>();
        services.forEach((name, service) -> {
            if (((Map<String, Object>) service).get("ports") != null) {
                published.add(name);
            }
        });
        assertEquals(1, published.size(), "one service publishes ports: " + published);
        Map<String, Object> lb = (Map<String, Object>) services.get(published.get(0));
        String image = String.valueOf(lb.get("image"));
        assertTrue(image.matches("(nginx|haproxy):[\\w.-]+"), "an official load balancer image: " + image);
        for (Object port : (List<Object>) lb.get("ports")) {
            assertTrue(String.valueOf(port).startsWith("127.0.0.1:"), "published on loopback only: " + port);
        }
        Map<String, Object> lbDepends = (Map<String, Object>) lb.get("depends_on");
        for (String name : nodes) {
            assertNotNull(lbDepends.get(name), "the load balancer starts after " + name);
        }
        assertTrue(image.startsWith("nginx:"), "the checks below read an nginx configuration");
        Path conf = null;
        for (Object volume : (List<Object>) lb.get("volumes")) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts[1].equals("/etc/nginx/nginx.conf")) {
                conf = DOCKER.resolve(parts[0]).normalize();
            }
        }
        assertNotNull(conf, "the nginx configuration is mounted from docker/");
        assertTrue(Files.isRegularFile(conf), conf.toString());
        assertRoundRobinWebSocketProxy(Files.readString(conf), nodes);
    }

    /** The nginx configuration: every node in one upstream, round robin, the WebSocket upgrade forwarded. */
    private static void assertRoundRobinWebSocketProxy(String nginxConf, List<String> nodes) {
        StringBuilder code = new StringBuilder(); // without comments
        for (String line : nginxConf.split("\n")) {
            int hash = line.indexOf('#');
            code.append(hash < 0 ? line : line.substring(0, hash)).append('\n');
        }
        String conf = code.toString();
        for (String directive : List.of("ip_hash", "hash", "sticky", "least_conn", "least_time", "random", "ntlm")) {
            assertFalse(Pattern.compile("(^|[;{}\\s])" + directive + "(\\s|;)").matcher(conf).find(),
                    "no affinity nor other balancing method than round robin: " + directive);
        }
        Matcher upstream = Pattern.compile("upstream\\s+(\\w+)\\s*\\{([^}]*)}").matcher(conf);
        assertTrue(upstream.find(), "an upstream");
        for (String node : nodes) {
            assertTrue(Pattern.compile("server\\s+" + node + ":8080[\\s;]").matcher(upstream.group(2)).find(),
                    node + " in the upstream");
        }
        assertFalse(upstream.find(), "one upstream");
        upstream.reset().find();
        assertTrue(conf.contains("proxy_pass http://" + upstream.group(1) + ";"), "proxied to the upstream");
        assertTrue(conf.matches("(?s).*proxy_http_version\\s+1\\.1;.*"), "HTTP/1.1 to the nodes (needed for Upgrade)");
        assertTrue(conf.matches("(?s).*proxy_set_header\\s+Upgrade\\s+\\$http_upgrade;.*"), "the Upgrade header forwarded");
        Matcher connection = Pattern.compile("proxy_set_header\\s+Connection\\s+(\\S+);").matcher(conf);
        assertTrue(connection.find(), "a Connection header");
        String value = connection.group(1).replace("\"", "");
        if (value.startsWith("$")) {
            Matcher map = Pattern.compile("map\\s+\\$http_upgrade\\s+\\" + value + "\\s*\\{([^}]*)}").matcher(conf);
            assertTrue(map.find(), "the Connection value " + value + " comes from a map of $http_upgrade");
            assertTrue(map.group(1).matches("(?s).*default\\s+upgrade;.*"), "a handshake gets Connection: upgrade");
        } else {
            assertEquals("upgrade", value.toLowerCase());
        }
        Matcher timeout = Pattern.compile("proxy_read_timeout\\s+(\\d+)([smhd]?);").matcher(conf);
        assertTrue(timeout.find(), "a read timeout longer than nginx's 60 s default");
        long seconds = Long.parseLong(timeout.group(1)) * switch (timeout.group(2)) {
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86_400;
            default -> 1;
        };
        assertTrue(seconds >= 300, "an idle WebSocket outlives the read timeout: " + seconds + " s");
    }

    @SuppressWarnings("unchecked")
    private static String assertHealthcheck(Map<String, Object> service, String mustContain) {
        Map<String, Object> hc = (Map<String, Object>) service.get("healthcheck");
        assertNotNull(hc, "healthcheck");
        String test = String.valueOf(hc.get("test"));
        assertTrue(test.contains(mustContain), test);
        return test;
    }

    private static String pomProperty(String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertTrue(m.find(), name);
        return m.group(1).trim();
    }

    /** The few Dockerfile instructions we check; continuation lines joined. */
    private record Dockerfile(Path path, List<String[]> instructions) {

        static Dockerfile read(Path path) throws IOException {
            List<String[]> out = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : Files.readAllLines(path)) {
                String t = line.strip();
                if (current.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                    continue;
                }
                if (t.endsWith("\\")) {
                    current.append(t, 0, t.length() - 1).append(' ');
                    continue;
                }
                current.append(t);
                String[] parts = current.toString().split("\\s+", 2);
                out.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""});
                current.setLength(0);
            }
            return new Dockerfile(path, out);
        }

        List<String> all(String instruction) {
            return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
        }

        String last(String instruction) {
            List<String> all = all(instruction);
            assertFalse(all.isEmpty(), path + " has no " + instruction);
            return all.get(all.size() - 1);
        }

        String from() {
            return last("FROM");
        }

        String user() {
            String user = last("USER");
            assertFalse(user.equals("root") || user.startsWith("0"), path + " runs as root");
            return user;
        }

        String healthcheck() {
            String hc = last("HEALTHCHECK");
            assertTrue(hc.contains("CMD"), hc);
            return hc;
        }

        String cmd() {
            return last("CMD");
        }

        void assertCopiesExistOrAreBuilt() {
            List<String> copies = all("COPY");
            assertFalse(copies.isEmpty(), path + " copies nothing");
            for (String copy : copies) {
                List<String> args = new ArrayList<>(List.of(copy.split("\\s+")));
                args.removeIf(a -> a.startsWith("--"));
                for (String source : args.subList(0, args.size() - 1)) {
                    if (source.equals("target/switchboard.war")) {
                        // produced by `./mvnw package`: the pom's finalName and packaging must say so
                        assertEquals("switchboard", pomValue("finalName"), "the WAR the Dockerfile copies");
                        assertEquals("war", pomValue("packaging"));
                    } else {
                        assertTrue(Files.exists(ROOT.resolve(source)), path + " copies a missing file: " + source);
                    }
                }
            }
        }

        private static String pomValue(String element) {
            try {
                return pomProperty(element);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }
}
