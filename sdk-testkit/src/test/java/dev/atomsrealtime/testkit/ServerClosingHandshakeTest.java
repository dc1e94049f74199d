package dev.atomsrealtime.testkit;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.event.AgentStartTalkingEvent;
import dev.atomsrealtime.event.InputTextSendEvent;
import dev.atomsrealtime.event.SessionCreatedEvent;
import dev.atomsrealtime.internal.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the server ends connections, seen on the wire by a client that answers nothing by itself:
 * one close frame, then it waits for the client's close frame (reading on) before closing TCP.
 */
@Timeout(value = 10, unit = SECONDS)
class ServerClosingHandshakeTest {
  private static final Duration WAIT = TestClient.WAIT;
  private static final String KEY = "sk_test_123";

  private FakeAtomsServer server;
  private RawWebSocket client;
  private FakeConnection connection;

  @BeforeEach
  void open() throws Exception {
    server = FakeAtomsServer.builder().build().start();
    client = RawWebSocket.open(server, KEY);
    connection = server.awaitConnection(WAIT);
    assertEquals(SessionCreatedEvent.TYPE, type(client.next(RawWebSocket.TEXT)));
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    server.close();
    ThreadLeaks.assertNoneAlive();
  }

  @Test
  void serverCloseWaitsForTheClientsCloseFrameAndReadsOn() throws Exception {
    connection.close(4001, "bye");

    RawWebSocket.Frame close = client.next();
    assertEquals(RawWebSocket.CLOSE, close.opcode());
    assertEquals(4001, close.closeCode());
    assertFalse(connection.isOpen(), "closing");
    // Sent before this client looked at the close: still received. The ping gets no pong.
    client.sendText(text("late"));
    client.sendPing();
    client.sendClose(4001, "");

    assertTrue(client.next().isEndOfStream(), "nothing after the close frame, then a FIN");
    CloseRecord record = connection.awaitClosed(WAIT);
    assertEquals(new CloseRecord(4001, "bye", false, 4001), record);
    assertTrue(record.clientCloseFrameReceived());
    assertEquals("late", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
    // Frames sent after the close frame are dropped, and a second close does nothing.
    connection.send(new AgentStartTalkingEvent(null));
    connection.close(1000, "again");
  }

  @Test
  void aClientCloseIsAnsweredOnceAndRecorded() throws Exception {
    client.sendClose(4002, "done");

    RawWebSocket.Frame echo = client.next();
    assertEquals(RawWebSocket.CLOSE, echo.opcode());
    assertEquals(4002, echo.closeCode());
    assertTrue(client.next().isEndOfStream());
    assertEquals(new CloseRecord(4002, "done", true, 4002), connection.awaitClosed(WAIT));
  }

  @Test
  void closesThatCrossSendOneCloseFrameEach() throws Exception {
    // The client's close is in the server's buffers, unread, when the server closes.
    connection.stopReading(true);
    client.sendText(text("unread"));
    client.sendClose(1000, "");
    connection.close(4003, "server side");

    RawWebSocket.Frame close = client.next();
    assertEquals(RawWebSocket.CLOSE, close.opcode());
    assertEquals(4003, close.closeCode());
    assertTrue(client.next().isEndOfStream(), "no echo of the client's close");
    assertEquals(new CloseRecord(4003, "server side", false, 1000), connection.awaitClosed(WAIT));
    assertEquals("unread", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
  }

  @Test
  void aPausedConnectionReadsAgainToFinishTheClose() throws Exception {
    connection.stopReading(true);
    client.sendText(text("held"));
    connection.close(1000, "");

    assertEquals(1000, client.next(RawWebSocket.CLOSE).closeCode());
    client.sendClose(1000, "");
    assertTrue(client.next().isEndOfStream());
    assertEquals(1000, connection.awaitClosed(WAIT).clientCloseCode());
    assertEquals("held", connection.awaitReceived(InputTextSendEvent.class, WAIT).text());
  }

  @Test
  void theEndOfTheStreamAlsoEndsTheHandshake() throws Exception {
    connection.close(1000, "");

    assertEquals(1000, client.next(RawWebSocket.CLOSE).closeCode());
    client.shutdownOutput();
    assertTrue(client.next().isEndOfStream());
    CloseRecord record = connection.awaitClosed(WAIT);
    assertEquals(new CloseRecord(1000, "", false, CloseRecord.NO_CLIENT_CLOSE_FRAME), record);
    assertFalse(record.clientCloseFrameReceived());
  }

  @Test
  void aClientThatNeverAnswersIsClosedAfterTheHandshakeTimeout() throws Exception {
    connection.close(1011, "gone");

    assertEquals(1011, client.next(RawWebSocket.CLOSE).closeCode());
    // No answer: the server gives up after its closing handshake timeout (2 s).
    assertTrue(client.next().isEndOfStream());
    assertEquals(
        new CloseRecord(1011, "gone", false, CloseRecord.NO_CLIENT_CLOSE_FRAME),
        connection.awaitClosed(WAIT));
  }

  @Test
  void threeComponentRecordsInferTheClientsCloseFrame() {
    assertEquals(new CloseRecord(1000, "", true, 1000), new CloseRecord(1000, "", true));
    assertEquals(new CloseRecord(1006, "", true, 0), new CloseRecord(1006, "", true));
    assertEquals(new CloseRecord(1001, "x", false, 0), new CloseRecord(1001, "x", false));
  }

  private static String text(String text) {
    return new String(
        EventCodec.INSTANCE.encode(new InputTextSendEvent(text)), StandardCharsets.UTF_8);
  }

  private static String type(RawWebSocket.Frame frame) {
    return EventCodec.INSTANCE.decodeServer(frame.text()).type();
  }
}
