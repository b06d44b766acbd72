package dev.switchboard.delivery;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One stored stream message as a row; the key is (stream, seq). Schema: META-INF/switchboard-schema.sql. */
@Entity
@Table(name = "sb_message")
@IdClass(MessageRow.Key.class)
public class MessageRow {

    @Id
    @Column(name = "stream", length = 80)
    private String stream;

    @Id
    @Column(name = "seq")
    private long seq;

    @Column(name = "sender", length = 64, nullable = false)
    private String sender;

    @Column(name = "recipient", length = 64)
    private String recipient;

    @Column(name = "body", length = 65536, nullable = false)
    private String body;

    @Column(name = "sent_at", nullable = false)
    private long sentAt; // epoch milliseconds: portable, and the wire's precision

    @Column(name = "client_id", length = 128)
    private String clientId;

    protected MessageRow() {}

    MessageRow(StoredMessage m) {
        stream = m.stream();
        seq = m.seq();
        sender = m.from();
        recipient = m.to();
        body = m.text();
        sentAt = m.ts().toEpochMilli();
        clientId = m.clientId();
    }

    StoredMessage toMessage() {
        return new StoredMessage(stream, seq, sender, recipient, body, Instant.ofEpochMilli(sentAt), clientId);
    }

    /** The composite primary key. */
    public static class Key implements Serializable {
        private static final long serialVersionUID = 1L;

        private String stream;
        private long seq;

        public Key() {}

        public Key(String stream, long seq) {
            this.stream = stream;
            this.seq = seq;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.seq == seq && Objects.equals(k.stream, stream);
        }

        @Override
        public int hashCode() {
            return Objects.hash(stream, seq);
        }
    }
}
