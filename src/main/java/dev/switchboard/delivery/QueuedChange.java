package dev.switchboard.delivery;

import java.util.logging.Logger;

/** What the writer's queue holds: an append to a stream or a reset of it, told its outcome once. */
sealed interface QueuedChange permits QueuedChange.Append, QueuedChange.Reset {

    String stream();

    /** After the commit, on the writer, in queue order. */
    void committed();

    /** Not done (refused by the database, or the store is closed). */
    void failed(Exception e);

    /** An append; the writer sets what it became while the transaction is open, and calls back after commit. */
    final class Append implements QueuedChange {
        final String stream;
        final HistoryStore.Draft draft;
        private final HistoryStore.Appended appended;
        private StoredMessage result;
        private boolean duplicate;

        Append(String stream, HistoryStore.Draft draft, HistoryStore.Appended appended) {
            this.stream = stream;
            this.draft = draft;
            this.appended = appended;
        }

        @Override
        public String stream() {
            return stream;
        }

        /** Before commit; a batch that is split and retried sets it again. */
        void became(StoredMessage message, boolean duplicate) {
            this.result = message;
            this.duplicate = duplicate;
        }

        @Override
        public void committed() {
            appended.stored(result, duplicate);
        }

        @Override
        public void failed(Exception e) {
            appended.failed(e);
        }
    }

    /** A reset: the stream's history starts over; {@code done} runs once that is committed. */
    record Reset(String stream, Runnable done) implements QueuedChange {

        @Override
        public void committed() {
            done.run();
        }

        /** {@link HistoryStore#reset} has no failure path: {@code done} does not run and the stream keeps its history. */
        @Override
        public void failed(Exception e) {
            Logger.getLogger(QueuedChange.class.getName()).warning("stream " + stream + " was not reset: " + e);
        }
    }
}
