package dev.switchboard.testing;

import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A metrics exposition read by a real parser: the Prometheus project's Python client ({@code prometheus_client}, Debian's
 * {@code python3-prometheus-client}), its Prometheus-text parser or its strict OpenMetrics one. No Java parser of these
 * formats is published on Maven Central (the Java client only writes them). Where the client is not installed the test is
 * skipped locally and fails in CI, as the browser tests do without Chromium.
 */
public final class PrometheusParser {

    static final String PYTHON = System.getProperty("python.binary", "/usr/bin/python3");

    /** One sample: its full name (with {@code _total}, {@code _bucket}…), labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    /** One metric family as the parser grouped it. */
    public record Family(String name, String type, String unit, String help, List<Sample> samples) {}

    /** What the parser made of an exposition. */
    public record Exposition(Map<String, Family> families) {

        public Family family(String name) {
            Family f = families.get(name);
            if (f == null) {
                fail("no family " + name + " in " + families.keySet());
            }
            return f;
        }

        /** The value of the sample {@code name} with exactly these labels (key, value, key, value…). */
        public Optional<Double> value(String name, String... labels) {
            Map<String, String> wanted = new LinkedHashMap<>();
            for (int i = 0; i + 1 < labels.length; i += 2) {
                wanted.put(labels[i], labels[i + 1]);
            }
            return families.values().stream().flatMap(f -> f.samples().stream())
                    .filter(s -> s.name().equals(name) && s.labels().equals(wanted)).map(Sample::value).findFirst();
        }
    }

    private PrometheusParser() {}

    /** Prometheus text format 0.0.4. */
    public static Exposition prometheus(String text) {
        return parse("prometheus", text);
    }

    /** OpenMetrics 1.0, strictly. */
    public static Exposition openMetrics(String text) {
        return parse("openmetrics", text);
    }

    private static Exposition parse(String form, String text) {
        requireParser();
        try {
            Path script = Files.createTempFile("prometheus-parse", ".py");
            Path input = Files.createTempFile("exposition", ".txt");
            Path errors = Files.createTempFile("exposition", ".err");
            try {
                try (InputStream in = PrometheusParser.class.getResourceAsStream("/prometheus-parse.py")) {
                    Files.write(script, in.readAllBytes());
                }
                Files.writeString(input, text, StandardCharsets.UTF_8);
                Process p = new ProcessBuilder(PYTHON, script.toString(), form, input.toString())
                        .redirectError(errors.toFile()).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    fail("the " + form + " parser refused the exposition: " + Files.readString(errors) + "\n--- exposition:\n" + text);
                }
                return read(new String(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(script);
                Files.deleteIfExists(input);
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Exposition read(String json) {
        Map<String, Family> families = new LinkedHashMap<>();
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            for (JsonValue v : r.readArray()) {
                JsonObject f = v.asJsonObject();
                List<Sample> samples = new ArrayList<>();
                for (JsonObject s : f.getJsonArray("samples").getValuesAs(JsonObject.class)) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    s.getJsonObject("labels").forEach((k, l) -> labels.put(k, ((JsonString) l).getString()));
                    JsonValue value = s.get("value");
                    double d = value instanceof JsonNumber n ? n.doubleValue() : Double.parseDouble(((JsonString) value).getString()
                            .replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
                    samples.add(new Sample(s.getString("name"), labels, d));
                }
                families.put(f.getString("name"), new Family(f.getString("name"), f.getString("type"), f.getString("unit"),
                        f.getString("help"), samples));
            }
        }
        return new Exposition(families);
    }

    /** Skips the test (fails it in CI) when the parser is not installed. */
    private static void requireParser() {
        boolean present;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import prometheus_client.openmetrics.parser").start();
            present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            present = false;
        }
        if (!present) {
            String why = "the Prometheus parser is missing (" + PYTHON + " with prometheus_client): install the Debian package"
                    + " python3-prometheus-client to run the metrics format tests";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
    }
}
