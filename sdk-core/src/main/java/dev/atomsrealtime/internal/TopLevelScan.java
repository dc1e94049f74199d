package dev.atomsrealtime.internal;

/**
 * A minimal scan of a top-level JSON object held as UTF-8 bytes that finds the string values of
 * {@code type} and of one other key without building a tree or any string. It is the fast path for
 * audio frames, and it accepts only frames it can fully validate itself: a flat object whose keys
 * and string values are printable ASCII without escapes, and whose other values are numbers, {@code
 * true}, {@code false} or {@code null}, with nothing after the object. For anything else (escapes,
 * non-ASCII text, nested values, malformed input) it returns null so that the caller falls back to
 * the full JSON parser, which decides and produces the error report: the fast path never accepts a
 * frame the parser would refuse.
 *
 * <p>Not thread-safe; instances are short-lived results.
 */
final class TopLevelScan {
  /** Longer keys and numbers go to the parser, which enforces its own limits on them. */
  private static final int MAX_PLAIN_TOKEN = 64;

  int typeStart = -1;
  int typeEnd = -1;
  int valueStart = -1;
  int valueEnd = -1;
  private byte[] bytes;

  private TopLevelScan() {}

  /** Whether the {@code type} value is exactly {@code expected} (ASCII). */
  boolean typeEquals(byte[] expected) {
    if (typeStart < 0 || typeEnd - typeStart != expected.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (bytes[typeStart + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the wanted key was found with a string value. */
  boolean valuePlain() {
    return valueStart >= 0;
  }

  /**
   * Scans {@code b[offset, offset + length)}. Returns null when the frame is not a plainly shaped
   * JSON object (see the class documentation).
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
      int keyEnd = plainStringEnd(b, keyStart, end);
      if (keyEnd < 0 || keyEnd - keyStart > MAX_PLAIN_TOKEN) {
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
      boolean isType = keyEquals(b, keyStart, keyEnd, "type");
      boolean isWanted = keyEquals(b, keyStart, keyEnd, wantedKey);
      if (b[i] == '"') {
        int valStart = i + 1;
        int j = plainStringEnd(b, valStart, end);
        if (j < 0) {
          return null;
        }
        if (isType) {
          r.typeStart = valStart;
          r.typeEnd = j;
        } else if (isWanted) {
          r.valueStart = valStart;
          r.valueEnd = j;
        }
        i = j + 1;
      } else {
        if (isType || isWanted) {
          return null; // not a string where we want one: let the parser report it
        }
        i = scalarEnd(b, i, end);
        if (i < 0) {
          return null;
        }
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

  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long DELS = ONES * 0x7f;
  private static final long SPACES = ONES * 0x20;

  /**
   * The index of the first byte at or after {@code i} that is not plain printable ASCII (a quote,
   * a backslash, a control character, DEL or a byte of 0x80 and above), or of the first byte of
   * the word holding it; eight bytes per step. A base64 audio value holds none of them, so this
   * crosses kilobytes in a few hundred steps. Word tests: {@code (x - ONES) & ~x & HIGHS} is
   * non-zero when some byte of {@code x} is zero, {@code (w - SPACES) & ~w & HIGHS} when some byte
   * is below 0x20, and {@code w & HIGHS} when some byte is 0x80 or above.
   */
  static int skipPlain(byte[] b, int i, int end) {
    java.nio.ByteBuffer words = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    while (i + 8 <= end) {
      long w = words.getLong(i);
      long q = w ^ QUOTES;
      long s = w ^ BACKSLASHES;
      long d = w ^ DELS;
      long special = w | ((q - ONES) & ~q) | ((s - ONES) & ~s) | ((d - ONES) & ~d)
          | ((w - SPACES) & ~w);
      if ((special & HIGHS) != 0) {
        break; // this word holds a byte the caller must look at
      }
      i += 8;
    }
    return i;
  }

  /**
   * The index of the closing quote of a string whose content starts at {@code i}, or -1 if the
   * string is unterminated or holds anything but printable ASCII without escapes.
   */
  private static int plainStringEnd(byte[] b, int i, int end) {
    i = skipPlain(b, i, end);
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      // Control characters must be escaped in JSON; escapes and non-ASCII (which needs UTF-8
      // validation) are left to the parser. Bytes >= 0x80 are negative.
      if (c < 0x20 || c == '\\' || c == 0x7f) {
        return -1;
      }
      i++;
    }
    return -1;
  }

  /**
   * The end of a number or literal starting at {@code i}, or -1 if it is not a valid JSON number
   * (of at most {@link #MAX_PLAIN_TOKEN} characters), {@code true}, {@code false} or {@code null}.
   */
  private static int scalarEnd(byte[] b, int i, int end) {
    byte c = b[i];
    if (c == 't') {
      return literalEnd(b, i, end, "true");
    }
    if (c == 'f') {
      return literalEnd(b, i, end, "false");
    }
    if (c == 'n') {
      return literalEnd(b, i, end, "null");
    }
    int start = i;
    if (c == '-') {
      i++;
    }
    // int: 0 | [1-9][0-9]*
    if (i >= end || !isDigit(b[i])) {
      return -1;
    }
    if (b[i] == '0') {
      i++;
    } else {
      i = skipDigits(b, i, end);
    }
    // frac: . [0-9]+
    if (i < end && b[i] == '.') {
      int digits = i + 1;
      i = skipDigits(b, digits, end);
      if (i == digits) {
        return -1;
      }
    }
    // exp: [eE] [+-]? [0-9]+
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int digits = i;
      i = skipDigits(b, digits, end);
      if (i == digits) {
        return -1;
      }
    }
    return i - start <= MAX_PLAIN_TOKEN ? i : -1;
  }

  private static int literalEnd(byte[] b, int i, int end, String literal) {
    if (end - i < literal.length()) {
      return -1;
    }
    for (int k = 0; k < literal.length(); k++) {
      if (b[i + k] != literal.charAt(k)) {
        return -1;
      }
    }
    return i + literal.length();
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static int skipDigits(byte[] b, int i, int end) {
    while (i < end && isDigit(b[i])) {
      i++;
    }
    return i;
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
