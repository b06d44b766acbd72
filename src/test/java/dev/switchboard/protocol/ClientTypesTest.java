package dev.switchboard.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The JS client's declarations (src/main/webapp/js/switchboard.d.ts) know every frame the codecs read and write, every
 * error code and every moderation action, so the server cannot grow a frame the typed client does not declare. (tsc,
 * in the build's client-check, then holds switchboard.js to the declarations.)
 */
class ClientTypesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir"));
    private static final Path SOURCES = ROOT.resolve("src/main/java/dev/switchboard/protocol");

    private static String declarations() throws IOException {
        return Files.readString(ROOT.resolve("src/main/webapp/js/switchboard.d.ts"));
    }

    /** The part of the declarations between two section headings. */
    private static String section(String from, String to) throws IOException {
        String d = declarations();
        int start = d.indexOf(from);
        int end = d.indexOf(to, start);
        assertTrue(start >= 0 && end > start, "switchboard.d.ts has the sections \"" + from + "\" and \"" + to + "\"");
        return d.substring(start, end);
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> found = new TreeSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    found.add(m.group(g));
                }
            }
        }
        return found;
    }

    /** The string literals of a declared union type, {@code export type Name = "a" | "b";}. */
    private static Set<String> union(String name) throws IOException {
        Matcher m = Pattern.compile("export type " + name + " =([^;]*);").matcher(declarations());
        assertTrue(m.find(), "switchboard.d.ts declares " + name);
        return matches(m.group(1), "\"([a-z_]+)\"");
    }

    @Test
    void everyFrameTheServerWritesIsDeclared() throws IOException {
        Set<String> written = matches(Files.readString(SOURCES.resolve("MessageCodec.java")), "g\\.write\\(\"type\", \"([a-z_]+)\"\\)");
        Set<String> declared = matches(section("// Server → client frames", "// Binary frames"), "type: \"([a-z_]+)\"");
        assertFalse(written.isEmpty());
        assertTrue(declared.containsAll(written), "not in switchboard.d.ts: " + difference(written, declared));
    }

    @Test
    void everyFrameTheServerReadsIsDeclared() throws IOException {
        String codecs = Files.readString(SOURCES.resolve("MessageCodec.java")) + Files.readString(SOURCES.resolve("TopicCodec.java"));
        Set<String> read = matches(codecs, "case \"([a-z_]+)\"(?:, \"([a-z_]+)\")? ->");
        Set<String> declared = matches(section("// Client → server frames", "// Server → client frames"), "type: \"([a-z_]+)\"");
        assertTrue(read.size() >= 10, "the codecs' frame types: " + read);
        assertTrue(declared.containsAll(read), "not in switchboard.d.ts: " + difference(read, declared));
    }

    @Test
    void everyErrorCodeAndModerationActionIsDeclared() throws IOException {
        Set<String> codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(union("ErrorCode").containsAll(codes), "not in switchboard.d.ts: " + difference(codes, union("ErrorCode")));
        assertEquals(Arrays.stream(ModerationAction.values()).map(ModerationAction::wire).collect(Collectors.toCollection(TreeSet::new)),
                union("ModerationAction"));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
