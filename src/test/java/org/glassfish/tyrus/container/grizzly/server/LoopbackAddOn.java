package org.glassfish.tyrus.container.grizzly.server;

import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.tyrus.spi.ServerContainer;

/** Tyrus's Grizzly add-on has a package-private constructor; tests need it to build a loopback-only listener. */
public final class LoopbackAddOn {

    private LoopbackAddOn() {}

    public static AddOn create(ServerContainer container, String contextPath) {
        return new WebSocketAddOn(container, contextPath);
    }
}
