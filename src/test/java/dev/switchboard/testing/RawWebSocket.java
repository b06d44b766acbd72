package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client written by hand on a {@link Socket}, for what a well-behaved client library cannot
 * do: unmasked or malformed frames, lying length headers, half-sent handshakes, not reading, not
 * answering pings. Server pings are skipped (never answered) by {@link #read()}.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int OP_CONTINUATION = 0, OP_TEXT = 1, OP_BINARY = 2, OP_CLOSE = 8, OP_PING = 9, OP_PONG = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One frame from the server. */
    public record Frame(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or 1005 when it carries none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A TCP connection to the URI's host and port, nothing sent yet; reads time out after 10 s. */
    public static RawWebSocket connect(URI uri, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect, so the window is small from the start
        }
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        s.setSoTimeout(10_000);
        return new RawWebSocket(s);
    }

    /** Connects and completes the handshake (status 101 required). */
    public static RawWebSocket open(URI uri) throws IOException {
        return open(uri, 0);
    }

    public static RawWebSocket open(URI uri, int receiveBuffer) throws IOException {
        return open(uri, receiveBuffer, "");
    }

    /** With extra request headers, each ending in CRLF (e.g. {@code "Authorization: Bearer …\r\n"}). */
    public static RawWebSocket open(URI uri, String extraHeaders) throws IOException {
        return open(uri, 0, extraHeaders);
    }

    private static RawWebSocket open(URI uri, int receiveBuffer, String extraHeaders) throws IOException {
        RawWebSocket ws = connect(uri, receiveBuffer);
        String request = handshake(uri);
        ws.writeRaw((request.substring(0, request.length() - 2) + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            ws.close();
            throw new IOException("handshake refused: " + head.lines().findFirst().orElse(head));
        }
        return ws;
    }

    /** The upgrade request for a URI, as a browser would send it (without Origin). */
    public static String handshake(URI uri) {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return "GET " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
    }

    public Socket socket() {
        return socket;
    }

    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A masked text frame, as clients must send. */
    public void sendText(String text) throws IOException {
        sendFrame(true, OP_TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** One frame in one write: a server that closes on the header must not break a half-written frame. */
    public void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.writeBytes(header(fin, opcode, payload.length, masked));
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.writeBytes(mask);
            byte[] m = payload.clone();
            for (int i = 0; i < m.length; i++) {
                m[i] ^= mask[i & 3];
            }
            frame.writeBytes(m);
        } else {
            frame.writeBytes(payload);
        }
        writeRaw(frame.toByteArray());
    }

    /** Just a frame header (the mask bit and length as given; no mask key, no payload). */
    public static byte[] header(boolean fin, int opcode, long length, boolean masked) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write((fin ? 0x80 : 0) | opcode);
        int m = masked ? 0x80 : 0;
        if (length < 126) {
            h.write(m | (int) length);
        } else if (length <= 0xffff) {
            h.write(m | 126);
            h.write((int) (length >>> 8));
            h.write((int) length);
        } else {
            h.write(m | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                h.write((int) (length >>> shift));
            }
        }
        return h.toByteArray();
    }

    /** The next non-ping frame; throws EOFException when the server closed the TCP connection. */
    public Frame read() throws IOException {
        while (true) {
            int b0 = readByte();
            int b1 = readByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = ((long) readByte() << 8) | readByte();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | readByte();
                }
            }
            byte[] payload = in.readNBytes((int) len);
            if (payload.length < len) {
                throw new EOFException("connection closed inside a frame");
            }
            int opcode = b0 & 0x0f;
            if (opcode != OP_PING) {
                return new Frame(opcode, payload);
            }
        }
    }

    /** Reads until the server's close frame and returns its code, or -1 when the TCP connection ended without one. */
    public int awaitClose() throws IOException {
        try {
            while (true) {
                Frame f = read();
                if (f.opcode() == OP_CLOSE) {
                    return f.closeCode();
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return -1;
        }
    }

    /** Reads until the server closes the TCP connection; returns the bytes received (HTTP answers included). */
    public String drain() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
