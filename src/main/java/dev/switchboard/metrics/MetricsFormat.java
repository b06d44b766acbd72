package dev.switchboard.metrics;

import java.util.Locale;
import java.util.Optional;

/**
 * The forms {@code GET /api/metrics} answers in, and which one an {@code Accept} header asks for: the one it gives the
 * highest quality, ties going to the first listed here (so {@code *}{@code /*} or no header gets the Prometheus text).
 * A Prometheus server asks for OpenMetrics first and gets it.
 */
public enum MetricsFormat {
    PROMETHEUS("text/plain; version=0.0.4; charset=utf-8", "text/plain"),
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8", "application/openmetrics-text"),
    JSON("application/json", "application/json");

    private final String contentType;
    private final String mediaType;

    MetricsFormat(String contentType, String mediaType) {
        this.contentType = contentType;
        this.mediaType = mediaType;
    }

    /** The {@code Content-Type} of an answer in this form. */
    public String contentType() {
        return contentType;
    }

    /** The form {@code accept} prefers, or empty when it accepts none of them (406). */
    public static Optional<MetricsFormat> negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return Optional.of(PROMETHEUS);
        }
        MetricsFormat best = null;
        double bestQuality = 0;
        for (MetricsFormat f : values()) {
            double q = f.quality(accept);
            if (q > bestQuality) {
                best = f;
                bestQuality = q;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The quality {@code accept} gives this form: that of its most specific matching range, 0 when none matches. */
    private double quality(String accept) {
        String type = mediaType.substring(0, mediaType.indexOf('/'));
        int specificity = -1;
        double quality = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            int s = name.equals(mediaType) ? 2 : name.equals(type + "/*") ? 1 : name.equals("*/*") ? 0 : -1;
            if (s > specificity) {
                specificity = s;
                quality = qualityOf(parts);
            }
        }
        return quality;
    }

    private static double qualityOf(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("q=") || p.startsWith("Q=")) {
                try {
                    return Math.max(0, Math.min(1, Double.parseDouble(p.substring(2).trim())));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
