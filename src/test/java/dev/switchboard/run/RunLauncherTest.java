package dev.switchboard.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run command's launcher ({@code src/run/Run.java}, what {@code ./mvnw -Pstop} runs): {@code stop} ends the
 * processes a {@code start} of this build directory launched (marked {@code -Drun.by=<target>/run}) and waits for
 * them, and leaves every other process alone, another build directory's included. Stand-ins for the servers are
 * JVMs blocked reading their standard input.
 */
class RunLauncherTest {

    private static final Path RUN = Path.of(System.getProperty("user.dir"), "src", "run", "Run.java");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    private Process ours;
    private Process theirs;

    @AfterEach
    void killStandIns() {
        for (Process p : new Process[] {ours, theirs}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void stopEndsTheServersOfThisBuildDirectoryOnly() throws Exception {
        Path target = Files.createDirectories(dir.resolve("target"));
        Path other = Files.createDirectories(dir.resolve("other-target"));
        ours = standIn(target);
        theirs = standIn(other);

        Result stop = launcher(target, "stop");

        assertEquals(0, stop.exit, stop.output);
        assertTrue(stop.output.contains("stopped"), stop.output);
        // the launcher returns once its processes are gone; this JVM, their parent, may take a moment to reap them
        assertTrue(ours.waitFor(10, TimeUnit.SECONDS), "this build's server still runs after stop");
        assertTrue(theirs.isAlive(), "another build directory's server was stopped");
    }

    @Test
    void stopWithNothingRunningSaysSo() throws Exception {
        Result stop = launcher(Files.createDirectories(dir.resolve("target")), "stop");
        assertEquals(0, stop.exit, stop.output);
        assertTrue(stop.output.contains("no server of this build is running"), stop.output);
    }

    /** A JVM with the marker a {@code start} puts on its servers' command lines, blocked until stdin closes. */
    private Process standIn(Path target) throws IOException {
        Path source = dir.resolve("Block.java");
        Files.writeString(source, "public class Block { public static void main(String[] a) throws Exception {"
                + " System.out.println(\"ready\"); System.out.flush(); System.in.read(); } }");
        Process p = new ProcessBuilder(JAVA, "-Drun.by=" + target.toAbsolutePath().normalize().resolve("run"),
                source.toString()).redirectErrorStream(true).start();
        // started, not merely forked: its command line is final once it prints
        String line = new String(p.getInputStream().readNBytes(5), StandardCharsets.UTF_8);
        assertEquals("ready", line);
        return p;
    }

    private static Result launcher(Path target, String command) throws Exception {
        Process p = new ProcessBuilder(List.of(JAVA, "-Drun.target=" + target, RUN.toString(), command))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not end");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {}
}
