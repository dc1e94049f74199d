/**
 * The Atoms realtime client: {@link dev.atomsrealtime.AtomsClient} (built once, shared) opens
 * {@link dev.atomsrealtime.AtomsSession}s, each one live conversation with an agent over one
 * WebSocket connection, configured by {@link dev.atomsrealtime.SessionOptions} and reporting to a
 * {@link dev.atomsrealtime.SessionListener}.
 *
 * <h2>Contents</h2>
 *
 * <ul>
 *   <li>The client, the session, its options, listener, states ({@link
 *       dev.atomsrealtime.SessionState}) and how it ended ({@link dev.atomsrealtime.SessionEnd}).
 *   <li>The exceptions: {@link dev.atomsrealtime.AtomsException} and its subtypes, each saying
 *       whether a new attempt may succeed.
 *   <li>Credentials ({@link dev.atomsrealtime.CredentialSupplier}, {@link
 *       dev.atomsrealtime.AuthPlacement}) and time ({@link dev.atomsrealtime.Ticker}, injectable
 *       for tests).
 *   <li>Transcripts assembled from events ({@link dev.atomsrealtime.TranscriptAccumulator}).
 * </ul>
 *
 * <p>Events are in {@code dev.atomsrealtime.event}, audio sources and sinks in {@code
 * dev.atomsrealtime.audio}, reconnect policies in {@code dev.atomsrealtime.reconnect} and the
 * transport SPI in {@code dev.atomsrealtime.transport}. Nothing in {@code
 * dev.atomsrealtime.internal} is API.
 */
package dev.atomsrealtime;
