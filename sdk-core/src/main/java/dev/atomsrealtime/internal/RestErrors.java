package dev.atomsrealtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.atomsrealtime.rest.ApiAuthenticationException;
import dev.atomsrealtime.rest.ApiBadRequestException;
import dev.atomsrealtime.rest.ApiException;
import dev.atomsrealtime.rest.ApiNotFoundException;
import dev.atomsrealtime.rest.ApiServerException;
import java.util.ArrayList;
import java.util.List;

/** Maps an HTTP error response to its {@link ApiException}, reading the body leniently. */
final class RestErrors {
  /** The most of the server's messages quoted in an exception message. */
  private static final int MAX_QUOTED = 300;

  private RestErrors() {}

  /**
   * The exception for {@code status} with {@code body}; {@code secret} is scrubbed from the body
   * and messages (a service that echoes the request must not leak the key into a log).
   */
  static ApiException of(String what, int status, String body, String secret) {
    String kept = Redaction.scrub(body == null ? "" : body, secret);
    List<String> errors = messages(LenientJson.readOrMissing(kept));
    String message = what + " failed with HTTP " + status
        + (errors.isEmpty() ? "" : ": " + quote(String.join("; ", errors)));
    if (status == 400) {
      return new ApiBadRequestException(message, status, kept, errors);
    }
    if (status == 401 || status == 403) {
      return new ApiAuthenticationException(message, status, kept, errors);
    }
    if (status == 404) {
      return new ApiNotFoundException(message, status, kept, errors);
    }
    if (status >= 500 && status <= 599) {
      return new ApiServerException(message, status, kept, errors);
    }
    return new ApiException(message, status, kept, errors, false);
  }

  /**
   * The error messages of a body in any of the forms the service uses: {@code errors} (strings or
   * objects with a {@code message}), {@code message}, {@code error} (a string or an object with a
   * {@code message}), {@code detail}.
   */
  static List<String> messages(JsonNode body) {
    List<String> out = new ArrayList<>();
    if (!body.isObject()) {
      return out;
    }
    JsonNode errors = body.path("errors");
    if (errors.isArray()) {
      for (JsonNode e : errors) {
        add(out, e);
      }
    } else {
      add(out, errors);
    }
    add(out, body.path("message"));
    add(out, body.path("error"));
    add(out, body.path("detail"));
    return out;
  }

  private static void add(List<String> out, JsonNode node) {
    if (node.isTextual() && !node.asText().isEmpty()) {
      out.add(node.asText());
    } else if (node.isObject()) {
      String m = LenientJson.text(node, "message");
      if (m != null && !m.isEmpty()) {
        out.add(m);
      }
    }
  }

  private static String quote(String text) {
    return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "...";
  }
}
