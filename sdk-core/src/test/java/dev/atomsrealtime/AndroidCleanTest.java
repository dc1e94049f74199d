package dev.atomsrealtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The core must run on Android: no class of it may refer to a desktop-only API. Checked on the
 * compiled classes (their constant pools name every class they use), so fully qualified names
 * and reflection strings are caught as well as imports.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AndroidCleanTest {
  private static final List<String> DESKTOP_ONLY =
      List.of("javax/sound/", "java/awt/", "javax/swing/", "java/net/http/", "java/lang/management/");

  @Test
  void noCoreClassUsesADesktopOnlyApi() throws IOException {
    Path classes = Path.of(AtomsClient.class.getProtectionDomain().getCodeSource().getLocation()
        .getPath());
    List<String> offenders = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
        checked++;
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String api : DESKTOP_ONLY) {
          if (text.contains(api)) {
            offenders.add(classes.relativize(f) + " uses " + api);
          }
        }
      }
    }
    assertTrue(checked > 50, "expected the core's classes under " + classes + ", found " + checked);
    assertEquals(List.of(), offenders);
  }
}
