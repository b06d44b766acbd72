package dev.switchboard.config;

import java.util.List;

/** One or more settings whose values are not of their accepted form; the message names each and its form. */
public class InvalidSettingsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public InvalidSettingsException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per bad setting: {@code switchboard.limits.rate=fast: expected a positive integer}. */
    public List<String> problems() {
        return problems;
    }
}
