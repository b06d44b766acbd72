package dev.switchboard.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.Settings;
import dev.switchboard.security.TokenService;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who the admin API takes for an operator. */
class OperatorCheckTest {

    final TokenService tokens = new TokenService("a-secret-of-at-least-32-bytes-long!".getBytes(StandardCharsets.UTF_8),
            Duration.ofHours(1), Clock.systemUTC());
    final OperatorCheck check = new OperatorCheck(tokens, Settings.of(Map.of(Settings.OPERATORS, "ops-ana")));

    private static Principal named(String name) {
        return () -> name;
    }

    @Test
    void theContainersOperatorRoleMakesAnOperator() {
        OperatorCheck.Caller c = check.caller(named("ben"), "operator"::equals, null, "10.0.0.7");
        assertEquals("ben", c.user());
        assertTrue(c.operator());
        assertEquals("10.0.0.7", c.address());
    }

    @Test
    void aContainerUserWithoutTheRoleIsNotOneUnlessNamedInTheSettings() {
        assertFalse(check.caller(named("ben"), role -> false, null, "10.0.0.7").operator());
        assertTrue(check.caller(named("ops-ana"), role -> false, null, "10.0.0.7").operator());
    }

    @Test
    void aTokenNamesTheUserAndTheSettingsSayWhetherTheyAreAnOperator() {
        assertTrue(check.caller(null, role -> false, tokens.issue("ops-ana").value(), "::1").operator());
        OperatorCheck.Caller ben = check.caller(null, role -> false, tokens.issue("ben").value(), "::1");
        assertEquals("ben", ben.user());
        assertFalse(ben.operator());
    }

    @Test
    void withoutAValidIdentityTheCallerIsAnonymous() {
        assertTrue(check.caller(null, role -> true, null, "::1").anonymous());
        assertTrue(check.caller(null, role -> true, "forged.token", "::1").anonymous());
        String other = new TokenService("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8), Duration.ofHours(1),
                Clock.systemUTC()).issue("ops-ana").value();
        assertTrue(check.caller(null, role -> true, other, "::1").anonymous(), "signed with another key");
    }
}
