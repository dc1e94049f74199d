package dev.atomsrealtime.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client over a plain socket that shows the wire as it is: every frame the server
 * sends (close frames and pongs included) and the end of the stream, with nothing answered
 * automatically. For tests of how the server closes.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** One frame from the server; {@code opcode} -1 stands for the end of the stream. */
  record Frame(int opcode, byte[] payload) {
    static final Frame END_OF_STREAM = new Frame(-1, new byte[0]);

    boolean isEndOfStream() {
      return opcode == -1;
    }

    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The code of a close frame (1005 when it has none). */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code server} with credential {@code key} and reads the 101 response. */
  static RawWebSocket open(FakeAtomsServer server, String key) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(5_000);
    RawWebSocket ws = new RawWebSocket(socket);
    String request =
        "GET "
            + FakeAtomsServer.CONNECT_PATH
            + "?agent_id=a HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + server.port()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Authorization: Bearer "
            + key
            + "\r\n\r\n";
    ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
    ws.out.flush();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      head.write(ws.in.readUnsignedByte());
    }
    String status = head.toString(StandardCharsets.US_ASCII).split("\r\n", 2)[0];
    if (!status.contains(" 101 ")) {
      socket.close();
      throw new IOException("upgrade refused: " + status);
    }
    return ws;
  }

  void sendText(String text) throws IOException {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  void sendPing() throws IOException {
    send(PING, new byte[0]);
  }

  void sendClose(int code, String reason) throws IOException {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r);
    send(CLOSE, payload.array());
  }

  /** Ends this side's stream (a FIN) without a close frame; reading goes on. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** The next frame, or {@link Frame#END_OF_STREAM}; throws on a reset or after 5 s. */
  Frame next() throws IOException {
    int b0;
    try {
      b0 = in.readUnsignedByte();
    } catch (EOFException e) {
      return Frame.END_OF_STREAM;
    }
    int b1 = in.readUnsignedByte();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    return new Frame(b0 & 0x0F, payload);
  }

  /** Reads frames until one with {@code opcode} (skipping others); fails at the end of stream. */
  Frame next(int opcode) throws IOException {
    while (true) {
      Frame frame = next();
      if (frame.opcode() == opcode) {
        return frame;
      }
      if (frame.isEndOfStream()) {
        throw new EOFException("the stream ended before a frame with opcode " + opcode);
      }
    }
  }

  private void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    }
    byte[] mask = {0x1F, 0x2E, 0x3D, 0x4C};
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
