package dev.switchboard.socket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;

/** The close codes and reasons of PROTOCOL.md, "Errors and closes". */
public final class CloseCodes {

    /** A slow consumer: its send queue overflowed on a lossless stream. */
    public static final CloseCode SLOW_CONSUMER = CloseReason.CloseCodes.getCloseCode(4008);

    public static final CloseReason SLOW = new CloseReason(SLOW_CONSUMER, "slow consumer");
    public static final CloseReason TOKEN_EXPIRED =
            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "token expired");
    public static final CloseReason UNAUTHENTICATED =
            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "no valid identity");
    public static final CloseReason GOING_AWAY =
            new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down");
    public static final CloseReason FLOODING =
            new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "rate limit exceeded");
    public static final CloseReason TOO_BIG =
            new CloseReason(CloseReason.CloseCodes.TOO_BIG, "message too large");
    /** Nothing, not even a pong, arrived within the idle timeout: the peer is presumed gone. */
    public static final CloseReason IDLE =
            new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "idle timeout");
    public static final CloseReason SERVER_ERROR =
            new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "unexpected server error");

    private CloseCodes() {}
}
