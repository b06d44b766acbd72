package dev.switchboard.it;

import org.junit.jupiter.api.Assumptions;

/** Which server an IT runs against (failsafe sets arquillian.launch per execution). */
public final class Servers {

    private Servers() {}

    public static boolean payara() {
        return "payara".equals(System.getProperty("arquillian.launch"));
    }

    /**
     * Skips a test on Payara Micro, visibly, for a known gap there (listed in the README, "Payara"). Only for
     * container behaviour the application cannot reach; never to paper over an application difference.
     */
    public static void knownPayaraGap(String why) {
        Assumptions.assumeFalse(payara(), () -> "known gap on Payara Micro: " + why);
    }
}
