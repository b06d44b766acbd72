package dev.switchboard.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/** The accepted form of a setting's value: parses a trimmed, non-empty value or says what was expected. */
public enum SettingForm {

    POSITIVE_INTEGER("a positive integer") {
        @Override
        Object parse(String value) {
            int n = Integer.parseInt(value);
            return n > 0 ? n : null;
        }
    },
    /** Where 0 means none or no cap. */
    NON_NEGATIVE_INTEGER("an integer, 0 or more") {
        @Override
        Object parse(String value) {
            int n = Integer.parseInt(value);
            return n >= 0 ? n : null;
        }
    },
    BOOLEAN("true or false") {
        @Override
        Object parse(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            return v.equals("true") ? Boolean.TRUE : v.equals("false") ? Boolean.FALSE : null;
        }
    },
    /** Whole seconds or ISO-8601, above zero. */
    DURATION("a positive duration, in seconds (30) or ISO-8601 (PT30S, PT12H)") {
        @Override
        Object parse(String value) {
            Duration d = value.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(value)) : Duration.parse(value);
            return d.isNegative() || d.isZero() ? null : d;
        }
    },
    /** Comma-separated; blank entries are dropped. */
    LIST("a comma-separated list") {
        @Override
        Object parse(String value) {
            return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    },
    TEXT("text") {
        @Override
        Object parse(String value) {
            return value;
        }
    };

    private final String expected;

    SettingForm(String expected) {
        this.expected = expected;
    }

    /** What a value must look like, for messages: "a positive integer". */
    public String expected() {
        return expected;
    }

    /** The parsed value (an Integer, Boolean, Duration, List of String or String), or null when not of this form. */
    Object read(String value) {
        try {
            return parse(value);
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    /** The value, or null when it is not of this form (may also throw a parse exception). */
    abstract Object parse(String value);
}
