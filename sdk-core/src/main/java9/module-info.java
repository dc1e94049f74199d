/**
 * The Atoms realtime Java SDK core: the client, sessions, events, the audio pipeline, the
 * transport SPI with its default Java-WebSocket transport, reconnect policies, call recording,
 * the REST calls around a call, and client tools with handlers.
 *
 * <p>This descriptor is compiled on its own and stored as {@code
 * META-INF/versions/9/module-info.class} of a multi-release jar: module-path users get a real
 * module that exports the API packages only, while classpath users and Android tooling (which
 * reads no {@code META-INF/versions} entry) see the plain jar. The internal package is exported
 * only to the SDK's own modules that build on it.
 */
module dev.atomsrealtime {
  requires com.fasterxml.jackson.databind;
  requires org.java_websocket;
  requires org.slf4j;

  exports dev.atomsrealtime;
  exports dev.atomsrealtime.audio;
  exports dev.atomsrealtime.event;
  exports dev.atomsrealtime.reconnect;
  exports dev.atomsrealtime.recording;
  exports dev.atomsrealtime.rest;
  exports dev.atomsrealtime.tools;
  exports dev.atomsrealtime.transport;
  exports dev.atomsrealtime.transport.javawebsocket;

  exports dev.atomsrealtime.internal to
      dev.atomsrealtime.testkit;
}
