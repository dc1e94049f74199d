package dev.atomsrealtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a JMH JSON result file ({@code -rf json}) of the codec benchmarks as side-by-side tables:
 * per operation and chunk size, every variant's ns/op (with JMH's 99.9% error), B/op ({@code
 * gc.alloc.rate.norm}), and ratios to the floor and to the SDK, then the project's targets.
 *
 * <pre>java -cp benchmarks.jar dev.atomsrealtime.bench.JmhReport jmh-result.json</pre>
 */
public final class JmhReport {
  private JmhReport() {}

  record Row(String variant, double ns, double error, double bytes) {}

  public static void main(String[] args) throws Exception {
    JsonNode results = new ObjectMapper().readTree(new File(args[0]));
    // group -> rows, in the order JMH wrote them
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (JsonNode r : results) {
      String[] name = r.get("benchmark").asText().split("\\.");
      String op = name[name.length - 2].replace("Benchmark", "");
      String variant = name[name.length - 1];
      JsonNode shape = r.path("params").path("shape");
      if (!shape.isMissingNode()) {
        variant += " " + shape.asText() + " " + r.path("params").path("codecPaths").asText();
      }
      int pcm = r.path("params").path("pcmBytes").asInt();
      JsonNode primary = r.get("primaryMetric");
      JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
      groups.computeIfAbsent(op + " " + pcm, k -> new ArrayList<>())
          .add(new Row(variant, primary.get("score").asDouble(),
              primary.path("scoreError").asDouble(Double.NaN),
              alloc.isMissingNode() ? Double.NaN : alloc.get("score").asDouble()));
    }
    List<String> verdicts = new ArrayList<>();
    for (Map.Entry<String, List<Row>> g : groups.entrySet()) {
      String[] key = g.getKey().split(" ");
      int pcmBytes = Integer.parseInt(key[1]);
      boolean encode = key[0].startsWith("Encode");
      String what = key[0].startsWith("ClientFrame")
          ? "mask and frame the append (Java-WebSocket transport)"
          : encode ? "encode input_audio_buffer.append" : "decode output_audio.delta";
      String title = what + ", " + (pcmBytes / Pcm.BYTES_PER_MILLI) + " ms = " + pcmBytes
          + " B PCM";
      Row floor = find(g.getValue(), "floorString");
      Row sdk = find(g.getValue(), encode || key[0].startsWith("ClientFrame") ? "sdk"
          : "sdkFromBytes");
      System.out.println();
      System.out.println(title);
      String fmt = "  %-36s %10s %9s %9s %9s %9s %8s%n";
      System.out.printf(Locale.ROOT, fmt, "variant", "ns/op", "+-", "B/op", "B/PCM B", "x floor",
          "x sdk");
      for (Row r : g.getValue()) {
        System.out.printf(Locale.ROOT, fmt, r.variant(), f0(r.ns()), f0(r.error()), f0(r.bytes()),
            f2(r.bytes() / pcmBytes), floor == null ? "-" : f2(r.ns() / floor.ns()),
            sdk == null ? "-" : f2(r.ns() / sdk.ns()));
      }
      if (sdk != null && floor != null) {
        double bestNaive = g.getValue().stream().filter(r -> r.variant().startsWith("naive"))
            .mapToDouble(Row::ns).min().orElse(Double.NaN);
        verdicts.add(String.format(Locale.ROOT,
            "  %-45s sdk/floor %.2f (target <= 2: %s), fastest naive/sdk %.2f (target >= 4: %s),"
                + " B/op %.2fx PCM (target <= 2: %s)",
            title, sdk.ns() / floor.ns(), ok(sdk.ns() / floor.ns() <= 2),
            bestNaive / sdk.ns(), ok(bestNaive / sdk.ns() >= 4),
            sdk.bytes() / pcmBytes, ok(sdk.bytes() / pcmBytes <= 2)));
      }
    }
    System.out.println();
    System.out.println("Targets (floor = floorString, as the probe measured it; SDK decode ="
        + " sdkFromBytes, the path the Java-WebSocket transport takes: it hands text frames to"
        + " the codec as UTF-8 bytes; sdkFromString is what a String-only transport pays):");
    verdicts.forEach(System.out::println);
  }

  private static Row find(List<Row> rows, String variant) {
    return rows.stream().filter(r -> r.variant().equals(variant)).findFirst().orElse(null);
  }

  private static String ok(boolean met) {
    return met ? "met" : "MISSED";
  }

  private static String f0(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String f2(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }
}
