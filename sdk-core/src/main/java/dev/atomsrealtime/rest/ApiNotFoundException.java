package dev.atomsrealtime.rest;

import java.util.List;

/** HTTP 404: no such agent or call in the key's organisation (a call log may also not exist yet right after a call). Not retryable. */
public final class ApiNotFoundException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param statusCode the HTTP status
   * @param responseBody the body
   * @param errors the error messages read from the body
   */
  public ApiNotFoundException(String message, int statusCode, String responseBody, List<String> errors) {
    super(message, statusCode, responseBody, errors, false);
  }
}
