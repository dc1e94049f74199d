package dev.atomsrealtime.modulecheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.atomsrealtime.AtomsClient;
import dev.atomsrealtime.testkit.FakeAtomsServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published jars used as modules: an application module is compiled against them on the
 * module path and run there (a session against the testkit's loopback server), and a module that
 * imports the core's internal package does not compile. Runs after {@code package}, on the jars.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ModulePathIT {
  private static final Path SOURCES = Paths.get("src", "test");

  @TempDir Path work;

  @Test
  void coreJarCarriesItsDescriptorAsAMultiReleaseEntry() throws IOException {
    try (JarFile jar = new JarFile(jarOf(AtomsClient.class).toFile())) {
      assertTrue(jar.isMultiRelease(), "the core jar must be a multi-release jar");
      assertEquals(null, jar.getJarEntry("module-info.class"),
          "no descriptor at the root: classpath and Android tooling must not see one");
      assertTrue(jar.getJarEntry("META-INF/versions/9/module-info.class") != null);
    }
  }

  @Test
  void anApplicationModuleRunsASessionOnTheModulePath() throws Exception {
    Path classes = work.resolve("consumer");
    String errors = compile(SOURCES.resolve("consumer"), "dev.atomsrealtime.modulecheck", classes);
    assertEquals("", errors, "the consumer module must compile against the published jars");

    String javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.add("--module-path");
    command.add(classes + File.pathSeparator + modulePath());
    command.add("--module");
    command.add("dev.atomsrealtime.modulecheck/dev.atomsrealtime.modulecheck.Main");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = readAll(process.getInputStream());
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the consumer did not finish:\n" + output);
    assertEquals(0, process.exitValue(), output);
    assertTrue(output.contains("core module: dev.atomsrealtime\n"), output);
    assertTrue(output.contains("testkit module: dev.atomsrealtime.testkit\n"), output);
    assertTrue(output.contains("internal exported to all: false\n"), output);
    assertTrue(output.contains("internal exported to testkit: true\n"), output);
    assertTrue(output.contains("internal exported to this module: false\n"), output);
    assertTrue(output.contains("server received: InputTextSendEvent[text=hello from a module]"),
        output);
    assertTrue(output.contains("module check done"), output);
  }

  @Test
  void anApplicationModuleCannotUseTheInternalPackage() throws Exception {
    String errors =
        compile(SOURCES.resolve("intruder"), "dev.atomsrealtime.intruder", work.resolve("in"));
    assertTrue(errors.contains("package dev.atomsrealtime.internal is not visible"), errors);
  }

  /** Compiles one module from {@code root/<module>}; returns javac's diagnostics on failure. */
  private static String compile(Path root, String module, Path out) throws Exception {
    List<String> files;
    try (Stream<Path> walk = Files.walk(root.resolve(module))) {
      files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString)
          .collect(Collectors.toList());
    }
    List<String> args = new ArrayList<>();
    args.add("-d");
    args.add(out.toString());
    args.add("--module-path");
    args.add(modulePath());
    args.addAll(files);
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, diagnostics, args.toArray(new String[0]));
    String text = diagnostics.toString(StandardCharsets.UTF_8);
    return status == 0 ? "" : "javac status " + status + ":\n" + text;
  }

  /** The SDK's jars (core, testkit) and their runtime dependencies, as found on the classpath. */
  private static String modulePath() {
    Set<String> entries = new LinkedHashSet<>();
    entries.add(jarOf(AtomsClient.class).toString());
    entries.add(jarOf(FakeAtomsServer.class).toString());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Paths.get(entry).getFileName().toString();
      if (name.startsWith("jackson-") || name.startsWith("Java-WebSocket-")
          || name.startsWith("slf4j-api-") || name.startsWith("slf4j-nop-")) {
        entries.add(entry);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static Path jarOf(Class<?> type) {
    try {
      Path path = Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      assertTrue(path.toString().endsWith(".jar"),
          type.getName() + " must come from a jar here (run by failsafe after package): " + path);
      return path;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
