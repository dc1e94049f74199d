package dev.atomsrealtime.rest;

import java.util.List;

/** HTTP 400: the request was refused as invalid (for example a missing agent id), or the organisation has no credits left; {@link #errors()} says which. Not retryable. */
public final class ApiBadRequestException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param statusCode the HTTP status
   * @param responseBody the body
   * @param errors the error messages read from the body
   */
  public ApiBadRequestException(String message, int statusCode, String responseBody, List<String> errors) {
    super(message, statusCode, responseBody, errors, false);
  }
}
