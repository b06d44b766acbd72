package dev.switchboard.security;

import java.security.Principal;
import java.util.Set;

/** The caller as established from a token (a session token or an identity provider's), with the roles it grants. */
public record UserPrincipal(String getName, Set<Role> roles) implements Principal {

    public UserPrincipal {
        roles = Set.copyOf(roles);
    }

    public UserPrincipal(String name) {
        this(name, Set.of());
    }
}
