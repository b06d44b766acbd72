package dev.switchboard.delivery;

import java.security.SecureRandom;

/** New epochs: 12 random characters, so two histories of one stream never share one. */
public final class Epochs {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private Epochs() {}

    public static String next() {
        char[] out = new char[12];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }
}
