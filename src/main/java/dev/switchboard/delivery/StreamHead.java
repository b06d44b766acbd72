package dev.switchboard.delivery;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A stream's authoritative counters: {@code latest} seq stored and the highest seq {@code trimmed} by
 * retention. Locked and updated in the same transaction as the rows it counts, so several writers
 * (nodes) never assign the same seq.
 */
@Entity
@Table(name = "sb_stream")
public class StreamHead {

    @Id
    @Column(name = "name", length = 80)
    private String name;

    @Column(name = "latest", nullable = false)
    long latest;

    @Column(name = "trimmed", nullable = false)
    long trimmed;

    protected StreamHead() {}

    StreamHead(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }
}
