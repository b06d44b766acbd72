package dev.switchboard.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Subscriptions indexed by pattern in a trie over the dot-separated segments, so matching a published
 * topic walks only the branches that can match it: the topic's own segment and {@code *} at each level,
 * plus the {@code >} subscribers met on the way. Publish cost grows with the topic's depth and the
 * matching subscribers, not with the number of patterns.
 *
 * <p>Thread-safety: {@link #add} and {@link #remove} are serialized; {@link #match} takes no lock
 * and may run concurrently with them (it sees each subscription either before or after a change).
 */
public final class SubscriptionIndex<T> {

    private final Node<T> root = new Node<>();
    private int size;

    /** Adds a subscriber under a valid pattern (see {@link TopicNames#isPattern}); idempotent. */
    public synchronized void add(String pattern, T subscriber) {
        Node<T> node = root;
        String[] segments = pattern.split("\\.", -1);
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].equals(">")) {
                if (node.rest.add(subscriber)) {
                    size++;
                }
                return;
            }
            node = node.children.computeIfAbsent(segments[i], k -> new Node<>());
        }
        if (node.exact.add(subscriber)) {
            size++;
        }
    }

    /** Removes a subscriber of a pattern, pruning branches left empty; true when it was there. */
    public synchronized boolean remove(String pattern, T subscriber) {
        List<Node<T>> path = new ArrayList<>();
        Node<T> node = root;
        String[] segments = pattern.split("\\.", -1);
        boolean removed = false;
        int depth = 0;
        for (; depth < segments.length; depth++) {
            path.add(node);
            if (segments[depth].equals(">")) {
                removed = node.rest.remove(subscriber);
                break;
            }
            node = node.children.get(segments[depth]);
            if (node == null) {
                return false;
            }
        }
        if (depth == segments.length) {
            path.add(node);
            removed = node.exact.remove(subscriber);
        }
        if (removed) {
            size--;
            for (int i = path.size() - 1; i > 0; i--) { // never prune the root
                Node<T> n = path.get(i);
                if (!n.isEmpty()) {
                    break;
                }
                path.get(i - 1).children.remove(segments[i - 1], n);
            }
        }
        return removed;
    }

    /** Calls {@code sink} for every subscriber whose pattern matches the concrete topic; returns the trie nodes visited. */
    public int match(String topic, Consumer<? super T> sink) {
        return visit(root, topic.split("\\.", -1), 0, sink);
    }

    public boolean hasMatch(String topic) {
        boolean[] any = {false};
        match(topic, s -> any[0] = true);
        return any[0];
    }

    /** Subscriptions held (pattern, subscriber pairs). */
    public synchronized int size() {
        return size;
    }

    private static <T> int visit(Node<T> node, String[] segments, int i, Consumer<? super T> sink) {
        int visited = 1;
        if (i == segments.length) {
            node.exact.forEach(sink);
            return visited;
        }
        node.rest.forEach(sink); // '>' matches one or more remaining segments
        Node<T> child = node.children.get(segments[i]);
        if (child != null) {
            visited += visit(child, segments, i + 1, sink);
        }
        Node<T> star = node.children.get("*");
        if (star != null) {
            visited += visit(star, segments, i + 1, sink);
        }
        return visited;
    }

    private static final class Node<T> {
        final Map<String, Node<T>> children = new ConcurrentHashMap<>();
        final Set<T> exact = ConcurrentHashMap.newKeySet();
        final Set<T> rest = ConcurrentHashMap.newKeySet();

        boolean isEmpty() {
            return children.isEmpty() && exact.isEmpty() && rest.isEmpty();
        }
    }
}
