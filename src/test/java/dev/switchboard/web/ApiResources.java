package dev.switchboard.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every HTTP operation the application's JAX-RS resources answer, found by reflection over every class of
 * {@code dev.switchboard} the build compiled (so a resource added anywhere is found without being listed here):
 * {@code GET /api/session}, with the {@code @ApplicationPath} and the class's and method's {@code @Path} joined, and
 * a template's regular expression left out ({@code {id: \d+}} is {@code {id}}), as OpenAPI writes paths.
 */
public final class ApiResources {

    /** One operation: an HTTP method (upper case) and a path template. */
    public record Endpoint(String method, String path) implements Comparable<Endpoint> {
        @Override
        public int compareTo(Endpoint o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private ApiResources() {}

    /** The operations of every resource class in the application's compiled classes. */
    public static Set<Endpoint> endpoints() {
        List<Class<?>> classes = applicationClasses();
        String base = classes.stream().filter(Application.class::isAssignableFrom)
                .filter(c -> c.isAnnotationPresent(ApplicationPath.class))
                .map(c -> c.getAnnotation(ApplicationPath.class).value()).findFirst()
                .orElseThrow(() -> new AssertionError("no @ApplicationPath class in dev.switchboard"));
        Set<Endpoint> endpoints = new TreeSet<>();
        for (Class<?> c : classes) {
            if (!c.isAnnotationPresent(Path.class) || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                continue;
            }
            for (Method m : c.getMethods()) {
                String http = httpMethod(m);
                if (http == null) {
                    if (m.isAnnotationPresent(Path.class)) { // a sub-resource locator: its operations are elsewhere
                        throw new AssertionError(c.getName() + "." + m.getName() + " is a sub-resource locator, which this"
                                + " check (and the OpenAPI test) does not follow: extend ApiResources first");
                    }
                    continue;
                }
                String method = m.isAnnotationPresent(Path.class) ? m.getAnnotation(Path.class).value() : "";
                endpoints.add(new Endpoint(http, join(base, c.getAnnotation(Path.class).value(), method)));
            }
        }
        if (endpoints.isEmpty()) {
            throw new AssertionError("no JAX-RS resource found in dev.switchboard: the scan is broken");
        }
        return endpoints;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value().toUpperCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** Segments joined with single slashes, a leading one and no trailing one; {@code {name: regex}} becomes {@code {name}}. */
    static String join(String... parts) {
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            for (String segment : part.split("/")) {
                if (!segment.isBlank()) {
                    path.append('/').append(segment.trim());
                }
            }
        }
        return path.length() == 0 ? "/" : path.toString().replaceAll("\\{\\s*([^}:\\s]+)\\s*:[^}]*}", "{$1}");
    }

    /** The compiled classes of {@code dev.switchboard} (the directory {@link RestApplication} was loaded from). */
    private static List<Class<?>> applicationClasses() {
        java.nio.file.Path root;
        try {
            root = java.nio.file.Path.of(RestApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        java.nio.file.Path pkg = root.resolve("dev/switchboard");
        if (!Files.isDirectory(pkg)) {
            throw new AssertionError("the application's classes are not a directory here: " + root);
        }
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(pkg)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                String name = root.relativize(f).toString();
                if (name.endsWith(".class") && !name.endsWith("package-info.class")) {
                    String className = name.substring(0, name.length() - ".class".length()).replace(f.getFileSystem().getSeparator(), ".");
                    classes.add(Class.forName(className, false, RestApplication.class.getClassLoader()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }
}
