package dev.switchboard.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The server-wide roles a caller can hold, whether the container's login, an identity provider's token or a
 * session token issued for one of those grants them: operators run the server (admin API, metrics, {@code logs.*},
 * owner of every room), publishers publish to topics over HTTP, moderators moderate every room they are in.
 */
public enum Role {
    OPERATOR, PUBLISHER, MODERATOR;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The role's name in container role mappings, tokens and settings, e.g. {@code operator}. */
    public String wire() {
        return wire;
    }

    public static Optional<Role> of(String name) {
        for (Role r : values()) {
            if (r.wire.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The roles named in a comma-separated list; unknown names are left out. */
    public static Set<Role> parse(String names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (names != null) {
            for (String n : names.split(",")) {
                of(n.trim()).ifPresent(roles::add);
            }
        }
        return Set.copyOf(roles);
    }

    /**
     * The roles a container grants its login, asked role by role ({@code HttpServletRequest::isUserInRole} and the
     * handshake's alike); none where the container has no role information (it throws).
     */
    public static Set<Role> granted(Predicate<String> isUserInRole) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        try {
            for (Role r : values()) {
                if (isUserInRole.test(r.wire)) {
                    roles.add(r);
                }
            }
        } catch (RuntimeException e) {
            return Set.of();
        }
        return Set.copyOf(roles);
    }

    /** The comma-separated form {@link #parse} reads. */
    public static String format(Set<Role> roles) {
        StringBuilder out = new StringBuilder();
        for (Role r : values()) {
            if (roles.contains(r)) {
                out.append(out.length() == 0 ? "" : ",").append(r.wire);
            }
        }
        return out.toString();
    }
}
