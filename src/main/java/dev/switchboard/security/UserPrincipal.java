package dev.switchboard.security;

import java.security.Principal;

/** The caller as established at the handshake from a session token. */
public record UserPrincipal(String getName) implements Principal {}
