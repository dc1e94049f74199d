package dev.atomsrealtime.audio;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the committed WAV fixtures under {@code src/test/resources/audio}. */
final class Fixtures {
  private Fixtures() {}

  static Path path(String name) {
    URL url = Fixtures.class.getResource("/audio/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
