package dev.atomsrealtime.rest;

import java.util.List;

/** HTTP 5xx: the service failed; retryable after a pause. */
public final class ApiServerException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param statusCode the HTTP status
   * @param responseBody the body
   * @param errors the error messages read from the body
   */
  public ApiServerException(String message, int statusCode, String responseBody, List<String> errors) {
    super(message, statusCode, responseBody, errors, true);
  }
}
