package dev.atomsrealtime.rest;

import dev.atomsrealtime.AtomsException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A REST call got an HTTP error status. The subtypes name the statuses a caller acts on
 * differently: {@link ApiBadRequestException} (400: validation, or no credits left), {@link
 * ApiAuthenticationException} (401, 403), {@link ApiNotFoundException} (404) and {@link
 * ApiServerException} (5xx, retryable); any other status arrives as this type.
 *
 * <p>The body is kept as the server sent it ({@link #responseBody()}) and read leniently: the
 * messages of {@code {"errors":[...]}}, {@code {"message":...}}, {@code {"error":...}} or {@code
 * {"detail":...}} are in {@link #errors()}; a body in none of these forms, or not JSON at all,
 * leaves {@link #errors()} empty. Messages never contain the credential.
 */
public class ApiException extends AtomsException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status of the response. */
  private final int statusCode;
  /** The response body as received (the credential removed). */
  private final String responseBody;
  /** The error messages read from the body. */
  private final List<String> errors;

  /**
   * @param message what failed
   * @param statusCode the HTTP status
   * @param responseBody the body (null is taken as empty)
   * @param errors the error messages read from the body
   * @param retryable whether trying again may succeed
   */
  public ApiException(String message, int statusCode, String responseBody, List<String> errors,
      boolean retryable) {
    super(message, retryable);
    this.statusCode = statusCode;
    this.responseBody = responseBody == null ? "" : responseBody;
    this.errors = Collections.unmodifiableList(
        new ArrayList<>(errors == null ? Collections.<String>emptyList() : errors));
  }

  /**
   * The HTTP status.
   *
   * @return the status code
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The response body as the server sent it (possibly empty).
   *
   * @return the body
   */
  public String responseBody() {
    return responseBody;
  }

  /**
   * The error messages found in the body, in order; empty if the body had none in a known form.
   *
   * @return the messages, unmodifiable
   */
  public List<String> errors() {
    return errors;
  }
}
