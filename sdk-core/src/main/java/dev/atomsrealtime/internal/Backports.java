package dev.atomsrealtime.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Java 9 to 11 library methods that Android's platform library lacks at the SDK's minimum API
 * level (README, "Android apps"), with the same meaning. The core calls these instead; the build's
 * Android API check fails on a direct call.
 */
public final class Backports {
  private Backports() {}

  /**
   * {@code Objects.checkFromIndexSize}: checks that {@code [offset, offset + length)} lies within
   * {@code [0, arrayLength)}.
   *
   * @return {@code offset}
   * @throws IndexOutOfBoundsException if it does not
   */
  public static int checkFromIndexSize(int offset, int length, int arrayLength) {
    if ((arrayLength | offset | length) < 0 || length > arrayLength - offset) {
      throw new IndexOutOfBoundsException("Range [" + offset + ", " + offset + " + " + length
          + ") out of bounds for length " + arrayLength);
    }
    return offset;
  }

  /** {@code List.copyOf}: an unmodifiable copy; null elements are refused. */
  public static <E> List<E> listCopyOf(Collection<? extends E> items) {
    List<E> copy = new ArrayList<>(items.size());
    for (E item : items) {
      copy.add(Objects.requireNonNull(item, "element"));
    }
    return Collections.unmodifiableList(copy);
  }

  /** {@code Set.copyOf}: an unmodifiable copy; null elements are refused. */
  public static <E> Set<E> setCopyOf(Collection<? extends E> items) {
    Set<E> copy = new LinkedHashSet<>();
    for (E item : items) {
      copy.add(Objects.requireNonNull(item, "element"));
    }
    return Collections.unmodifiableSet(copy);
  }

  /** {@code Map.copyOf}: an unmodifiable copy; null keys and values are refused. */
  public static <K, V> Map<K, V> mapCopyOf(Map<? extends K, ? extends V> map) {
    Map<K, V> copy = new LinkedHashMap<>();
    for (Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
      copy.put(Objects.requireNonNull(e.getKey(), "key"),
          Objects.requireNonNull(e.getValue(), "value"));
    }
    return Collections.unmodifiableMap(copy);
  }

  /** {@code String.isBlank}: empty or only white space ({@link Character#isWhitespace}). */
  public static boolean isBlank(String s) {
    return strip(s).isEmpty();
  }

  /** {@code String.strip}: without leading and trailing {@link Character#isWhitespace} chars. */
  public static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && Character.isWhitespace(s.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /**
   * {@code InputStream.readNBytes(byte[], int, int)}: reads until {@code length} bytes or the end
   * of the stream.
   *
   * @return the bytes read, less than {@code length} only at the end of the stream
   * @throws IOException if reading fails
   */
  public static int readNBytes(InputStream in, byte[] buffer, int offset, int length)
      throws IOException {
    checkFromIndexSize(offset, length, buffer.length);
    int done = 0;
    while (done < length) {
      int n = in.read(buffer, offset + done, length - done);
      if (n < 0) {
        break;
      }
      done += n;
    }
    return done;
  }

  /**
   * {@code InputStream.readNBytes(int)} for {@code limit >= 0}, {@code readAllBytes()} for a
   * negative {@code limit}: the stream's bytes up to the limit or its end.
   *
   * @throws IOException if reading fails
   */
  public static byte[] readUpTo(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    int left = limit < 0 ? Integer.MAX_VALUE : limit;
    while (left > 0) {
      int n = in.read(chunk, 0, Math.min(chunk.length, left));
      if (n < 0) {
        break;
      }
      out.write(chunk, 0, n);
      left -= n;
    }
    return out.toByteArray();
  }
}
