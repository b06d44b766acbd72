package dev.switchboard.socket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A container {@link Session} without a container, for the socket layer's unit tests: its id and user properties,
 * text sends that complete at once, and closes, recorded. Every other method does nothing and returns 0/false/null.
 */
final class FakeSession {

    final Map<String, Object> userProperties = new ConcurrentHashMap<>();
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<CloseReason> closes = new CopyOnWriteArrayList<>();
    final Session session;
    private volatile boolean open = true;

    FakeSession(String id) {
        RemoteEndpoint.Async remote = proxy(RemoteEndpoint.Async.class, (m, args) -> {
            if (m.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler done) {
                sent.add((String) args[0]);
                done.onResult(new SendResult());
            }
            return null;
        });
        session = proxy(Session.class, (m, args) -> switch (m.getName()) {
            case "getId" -> id;
            case "getUserProperties" -> userProperties;
            case "getAsyncRemote" -> remote;
            case "isOpen" -> open;
            case "close" -> {
                closes.add(args.length == 0 ? new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "") : (CloseReason) args[0]);
                open = false;
                yield null;
            }
            default -> null;
        });
    }

    /** The close code of the one close so far. */
    int closedWith() {
        if (closes.size() != 1) {
            throw new AssertionError("closes: " + closes);
        }
        return closes.get(0).getCloseCode().getCode();
    }

    private interface Call {
        Object answer(Method m, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Call call) {
        return type.cast(Proxy.newProxyInstance(FakeSession.class.getClassLoader(), new Class<?>[] {type}, (self, m, args) -> {
            switch (m.getName()) {
                case "equals":
                    return self == args[0];
                case "hashCode":
                    return System.identityHashCode(self);
                case "toString":
                    return type.getSimpleName() + "@fake";
                default:
                    Object answer = call.answer(m, args == null ? new Object[0] : args);
                    return answer != null || !m.getReturnType().isPrimitive() ? answer : zero(m.getReturnType());
            }
        }));
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == int.class) {
            return 0;
        }
        return null; // void
    }
}
