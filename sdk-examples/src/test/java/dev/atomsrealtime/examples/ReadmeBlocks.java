package dev.atomsrealtime.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's code blocks are source files of this module, verbatim: a block marked {@code
 * <!-- example:NAME -->} in README.md is the region between {@code // readme:NAME:begin} and
 * {@code // readme:NAME:end} of an examples source file, less the region's common indentation.
 */
final class ReadmeBlocks {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final String SOURCES = "sdk-examples/src/main/java/dev/atomsrealtime/examples/";

  private ReadmeBlocks() {}

  /** Asserts that the README's block {@code name} is that region of {@code sourceFile}. */
  static void assertVerbatim(String name, String sourceFile) throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    String source = Files.readString(ROOT.resolve(SOURCES + sourceFile), StandardCharsets.UTF_8);
    String marker = "<!-- example:" + name + " -->\n```java\n";
    int at = readme.indexOf(marker);
    assertTrue(at >= 0, "README.md has no block " + name);
    int end = readme.indexOf("```\n", at + marker.length());
    String block = readme.substring(at + marker.length(), end);

    String open = "// readme:" + name + ":begin\n";
    int from = source.indexOf(open);
    int to = source.indexOf("// readme:" + name + ":end", from);
    assertTrue(from >= 0 && to > from, "region " + name + " missing from " + sourceFile);
    String[] lines = source.substring(from + open.length(), source.lastIndexOf('\n', to) + 1)
        .split("\n", -1);
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    StringBuilder region = new StringBuilder();
    for (int i = 0; i < lines.length - 1; i++) { // the last element follows the final newline
      String line = lines[i];
      region.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    assertEquals(region.toString(), block,
        "README block " + name + " and the region in " + sourceFile + " differ");
  }
}
