/**
 * Client tools with handlers: {@link dev.atomsrealtime.tools.ClientTools} pairs each tool's
 * definition with a {@link dev.atomsrealtime.tools.ToolHandler}; declared on a session with
 * {@code AtomsSession.declareTools(ClientTools)}, every {@code function_call} is answered by the
 * SDK: arguments bound with Jackson, the handler run off the socket and listener threads, the
 * result sent before the tool's timeout, failures sent as error outputs of one documented shape
 * ({@link dev.atomsrealtime.tools.ToolErrorType}). A refused declaration fails with {@link
 * dev.atomsrealtime.tools.ToolDeclarationException}.
 */
package dev.atomsrealtime.tools;
