package dev.atomsrealtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The R8 consumer rules ship in the jar and still name what exists: a rename of a kept class or
 * method would otherwise silently void its rule.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConsumerRulesTest {
  private static final String RULES = "/META-INF/proguard/atoms-sdk-core.pro";

  @Test
  void everySdkMemberTheRulesKeepExists() throws Exception {
    String rules = read();
    // "-keep... <interface|class> NAME { RETURN METHOD(ARGS); }" for the SDK's own types.
    Matcher m = Pattern.compile(
        "(?:interface|implements) (dev\\.atomsrealtime\\.[\\w.]+) \\{\\s*\\w+ (\\w+)\\(([^)]*)\\);")
        .matcher(rules);
    int checked = 0;
    while (m.find()) {
      Class<?> type = Class.forName(m.group(1));
      List<Class<?>> params = new ArrayList<>();
      for (String p : m.group(3).split(",\\s*")) {
        params.add(Class.forName(p.trim()));
      }
      Method method = type.getMethod(m.group(2), params.toArray(new Class<?>[0]));
      assertNotNull(method);
      checked++;
    }
    assertEquals(2, checked, "expected the two SessionListener.onEvent rules in:\n" + rules);
  }

  @Test
  void theJacksonClassesTheRulesNameExist() throws Exception {
    String rules = read();
    Matcher m = Pattern.compile("(com\\.fasterxml\\.jackson\\.[\\w.]*[A-Z]\\w+)").matcher(rules);
    int checked = 0;
    while (m.find()) {
      Class.forName(m.group(1));
      checked++;
    }
    assertTrue(checked >= 1, rules);
  }

  private static String read() throws IOException {
    try (InputStream in = ConsumerRulesTest.class.getResourceAsStream(RULES)) {
      assertNotNull(in, RULES + " must be on the core's classpath (and so in its jar)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
