package dev.atomsrealtime.transport.javawebsocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.atomsrealtime.testing.LogCapture;
import dev.atomsrealtime.transport.Transport;
import dev.atomsrealtime.transport.TransportRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The library's TRACE logging prints raw handshakes and frames (the credential, audio); the
 * factory warns once when it finds it on, and says nothing when it is off.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LibraryTraceWarningTest {
  private static final String WARNING = "TRACE logging is on for org.java_websocket";

  private static void createTwo(JavaWebSocketTransportFactory factory) {
    TransportRequest request = new TransportRequest(URI.create("ws://127.0.0.1:9/v1"),
        Collections.singletonMap("Authorization", "Bearer sk_trace_secret"),
        Duration.ofSeconds(1), null);
    for (int i = 0; i < 2; i++) {
      factory.create(request, new Transport.Listener() {
        @Override
        public void onOpen() {}

        @Override
        public void onText(String text) {}

        @Override
        public void onBinary(ByteBuffer bytes) {}

        @Override
        public void onClosed(int code, String reason, boolean remote) {}

        @Override
        public void onFailure(Throwable error) {}
      }).abort();
    }
  }

  @Test
  void warnsOncePerFactoryWhenTheLibraryTracesFrames() {
    String printed;
    try (LogCapture capture = LogCapture.atTrace()) {
      createTwo(new JavaWebSocketTransportFactory());
      printed = capture.text();
    }
    assertEquals(1, printed.split(WARNING, -1).length - 1, printed);
    assertFalse(printed.contains("sk_trace_secret"), "the warning names no credential");
  }

  @Test
  void saysNothingAtTheUsualLevels() {
    String printed;
    try (LogCapture capture = new LogCapture()) {
      createTwo(new JavaWebSocketTransportFactory());
      printed = capture.text();
    }
    assertFalse(printed.contains(WARNING), printed);
  }
}
