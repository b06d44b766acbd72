package dev.switchboard.testing;

import jakarta.inject.Inject;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.glassfish.tyrus.core.ComponentProvider;

/**
 * In-process Tyrus has no CDI: this component provider (registered through ServiceLoader) creates
 * endpoints and fills their {@code @Inject} fields from the services the running test server holds.
 */
public final class TestInjection extends ComponentProvider {

    private static final List<Object> SERVICES = new CopyOnWriteArrayList<>();

    static void provide(List<Object> services) {
        SERVICES.clear();
        SERVICES.addAll(services);
    }

    @Override
    public boolean isApplicable(Class<?> c) {
        return c.isAnnotationPresent(ServerEndpoint.class);
    }

    @Override
    public <T> Object create(Class<T> c) {
        try {
            T endpoint = c.getDeclaredConstructor().newInstance();
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(Inject.class)) {
                    f.setAccessible(true);
                    f.set(endpoint, SERVICES.stream().filter(f.getType()::isInstance).findFirst()
                            .orElseThrow(() -> new IllegalStateException("no test service for " + f)));
                }
            }
            return endpoint;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean destroy(Object o) {
        return false;
    }
}
