/**
 * The Atoms REST calls a realtime application makes around its calls: minting single-use call
 * tokens ({@code POST /atoms/v1/conversation/register-call}) and reading call logs ({@code GET
 * /atoms/v1/conversation/{call_id}}), waiting while the service still processes them.
 *
 * <p>Start from {@code AtomsClient.rest()} ({@link dev.atomsrealtime.rest.AtomsRestClient}): it
 * shares the client's API key, base URL, TLS context, blocking pool, scheduler and clock. {@link
 * dev.atomsrealtime.rest.CallTokenCredentials} connects every attempt of a session with a fresh
 * call token. HTTP errors arrive as {@link dev.atomsrealtime.rest.ApiException} subtypes that keep
 * the response body. Requests go over {@code HttpURLConnection}, so the package runs on Android as
 * on the JDK.
 */
package dev.atomsrealtime.rest;
