package dev.atomsrealtime.internal;

/**
 * A minimal scan of a top-level JSON object held as UTF-8 bytes that finds the string values of
 * {@code type} and of one other key without building a tree or any string. It is the fast path
 * for audio frames; whenever the frame is not plainly shaped (escapes in keys or in the wanted
 * values, malformed structure) it gives up and returns null so that the caller falls back to a
 * full JSON parser, which also produces the error report for malformed frames.
 *
 * <p>Not thread-safe; instances are short-lived results.
 */
final class TopLevelScan {
  int typeStart = -1;
  int typeEnd = -1;
  boolean typeEscaped;
  int valueStart = -1;
  int valueEnd = -1;
  boolean valueEscaped;
  private byte[] bytes;

  private TopLevelScan() {}

  /** Whether the {@code type} value is exactly {@code expected} (ASCII). */
  boolean typeEquals(byte[] expected) {
    if (typeStart < 0 || typeEscaped || typeEnd - typeStart != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (bytes[typeStart + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the wanted key was found with a string value that has no escapes. */
  boolean valuePlain() {
    return valueStart >= 0 && !valueEscaped;
  }

  /**
   * Scans {@code b[offset, offset + length)}. Returns null when the frame is not a well-formed,
   * plainly shaped JSON object.
   */
  static TopLevelScan scan(byte[] b, int offset, int length, byte[] wantedKey) {
    TopLevelScan r = new TopLevelScan();
    r.bytes = b;
    int end = offset + length;
    int i = skipWs(b, offset, end);
    if (i >= end || b[i] != '{') {
      return null;
    }
    i = skipWs(b, i + 1, end);
    if (i < end && b[i] == '}') {
      return trailingOnlyWs(b, i + 1, end) ? r : null;
    }
    while (i < end) {
      if (b[i] != '"') {
        return null;
      }
      int keyStart = i + 1;
      int keyEnd = keyStart;
      while (keyEnd < end && b[keyEnd] != '"') {
        if (b[keyEnd] == '\\') {
          return null; // escaped key: let the full parser handle it
        }
        keyEnd++;
      }
      if (keyEnd >= end) {
        return null;
      }
      i = skipWs(b, keyEnd + 1, end);
      if (i >= end || b[i] != ':') {
        return null;
      }
      i = skipWs(b, i + 1, end);
      if (i >= end) {
        return null;
      }
      byte c = b[i];
      if (c == '"') {
        int valStart = i + 1;
        int j = skipPlain(b, valStart, end);
        boolean escaped = false;
        while (j < end) {
          byte v = b[j];
          if (v == '"') {
            break;
          }
          if (v == '\\') {
            escaped = true;
            j += 2;
          } else {
            j++;
          }
        }
        if (j >= end) {
          return null;
        }
        if (keyEquals(b, keyStart, keyEnd, "type")) {
          r.typeStart = valStart;
          r.typeEnd = j;
          r.typeEscaped = escaped;
        } else if (keyEquals(b, keyStart, keyEnd, wantedKey)) {
          r.valueStart = valStart;
          r.valueEnd = j;
          r.valueEscaped = escaped;
        }
        i = j + 1;
      } else if (c == '{' || c == '[') {
        i = skipContainer(b, i, end);
        if (i < 0) {
          return null;
        }
      } else {
        // number, true, false, null: up to the next delimiter
        int j = i;
        while (j < end && b[j] != ',' && b[j] != '}' && !isWs(b[j])) {
          j++;
        }
        if (j == i) {
          return null;
        }
        if (keyEquals(b, keyStart, keyEnd, "type") || keyEquals(b, keyStart, keyEnd, wantedKey)) {
          return null; // non-string value for a key we care about: let the parser report it
        }
        i = j;
      }
      i = skipWs(b, i, end);
      if (i >= end) {
        return null;
      }
      if (b[i] == ',') {
        i = skipWs(b, i + 1, end);
        continue;
      }
      if (b[i] == '}') {
        return trailingOnlyWs(b, i + 1, end) ? r : null;
      }
      return null;
    }
    return null;
  }

  private static final long QUOTES = 0x2222222222222222L;
  private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The index of the first {@code "} or {@code \} at or after {@code i} (or {@code end}), eight
   * bytes at a time: a base64 audio value holds neither, so this crosses kilobytes in a few
   * hundred steps. Word tests: a byte of {@code w ^ pattern} is zero where {@code w} matches.
   */
  static int skipPlain(byte[] b, int i, int end) {
    java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    while (i + 8 <= end) {
      long w = words.getLong(i);
      long q = w ^ QUOTES;
      long s = w ^ BACKSLASHES;
      if (((((q - ONES) & ~q) | ((s - ONES) & ~s)) & HIGHS) != 0) {
        break; // this word holds a quote or a backslash: find it byte by byte
      }
      i += 8;
    }
    while (i < end && b[i] != '"' && b[i] != '\\') {
      i++;
    }
    return i;
  }

  private static int skipContainer(byte[] b, int i, int end) {
    int depth = 0;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        i++;
        while (i < end && b[i] != '"') {
          i += b[i] == '\\' ? 2 : 1;
        }
        if (i >= end) {
          return -1;
        }
      } else if (c == '{' || c == '[') {
        depth++;
        if (depth > 256) {
          return -1;
        }
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      }
      i++;
    }
    return -1;
  }

  private static boolean keyEquals(byte[] b, int start, int end, String key) {
    if (end - start != key.length()) {
      return false;
    }
    for (int k = 0; k < key.length(); k++) {
      if (b[start + k] != key.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean keyEquals(byte[] b, int start, int end, byte[] key) {
    if (end - start != key.length) {
      return false;
    }
    for (int k = 0; k < key.length; k++) {
      if (b[start + k] != key[k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWs(byte c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  private static int skipWs(byte[] b, int i, int end) {
    while (i < end && isWs(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean trailingOnlyWs(byte[] b, int i, int end) {
    return skipWs(b, i, end) == end;
  }
}
