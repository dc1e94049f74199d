package dev.atomsrealtime.rest;

import java.util.List;

/** HTTP 401 or 403: the API key is wrong or lacks access to the agent or call. Not retryable with the same key. */
public final class ApiAuthenticationException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param statusCode the HTTP status
   * @param responseBody the body
   * @param errors the error messages read from the body
   */
  public ApiAuthenticationException(String message, int statusCode, String responseBody, List<String> errors) {
    super(message, statusCode, responseBody, errors, false);
  }
}
