package dev.switchboard.topics;

import dev.switchboard.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A WebSocket client on a raw socket that subscribes and then never reads again: the slowest consumer there is. */
final class StalledClient implements AutoCloseable {

    private final Socket socket;

    private StalledClient(Socket socket) {
        this.socket = socket;
    }

    static StalledClient subscribe(TestServer server, String user, String topic) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // small, so the server's side fills early
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(10_000);
        String path = server.uri(TopicEndpoint.PATH, user).getRawPath() + "?" + server.uri(TopicEndpoint.PATH, user).getRawQuery();
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: MDEyMzQ1Njc4OWFiY2RlZg==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
        // the welcome frame is left unread on purpose; the subscribe goes out as a masked text frame
        byte[] payload = ("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        frame.write(0x80 | payload.length); // < 126
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
        // wait until the server registered the subscription, without reading the socket
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!server.topics.hasSubscribers(topic.replace("*", "x").replace(">", "x"))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("subscription not registered");
            }
            Thread.onSpinWait();
        }
        return new StalledClient(s);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
