/**
 * The protocol's events as immutable values: {@link dev.atomsrealtime.event.ServerEvent}s that
 * arrive through {@link dev.atomsrealtime.SessionListener#onEvent} and {@link
 * dev.atomsrealtime.event.ClientEvent}s the session sends. Each has its wire name as {@code TYPE}.
 *
 * <p>The model is forward-compatible: an event type this SDK does not know arrives as {@link
 * dev.atomsrealtime.event.UnknownServerEvent} with the whole frame, rather than being dropped.
 * Audio events carry PCM16 little-endian mono at the session's rate, decoded from and encoded to
 * base64 by the SDK; their PCM is compared by content and never printed.
 */
package dev.atomsrealtime.event;
