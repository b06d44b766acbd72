package dev.switchboard.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The HTTP API under {@code /api}. */
@ApplicationPath("/api")
public class RestApplication extends Application {}
