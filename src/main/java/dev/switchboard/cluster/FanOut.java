package dev.switchboard.cluster;

import dev.switchboard.socket.OutboundFrame;

/**
 * Carries a frame to every follower of a stream, on every node. Calls for one stream arrive in seq
 * order and must be delivered in that order. Today one node delivers in memory; a cluster-wide
 * implementation (a Jakarta Messaging topic) slots in behind this interface.
 */
public interface FanOut {

    /**
     * @param seq the frame's seq in the stream, 0 for unsequenced frames (presence, typing)
     * @param skipUser a user whose connections do not get this frame (typing is not echoed), or null
     */
    void publish(String stream, long seq, OutboundFrame frame, String skipUser);
}
