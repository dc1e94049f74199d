package dev.atomsrealtime.audio;

import java.nio.ByteBuffer;

/** A fixed-capacity circular byte buffer. Not thread-safe: owners guard it with their lock. */
final class ByteRing {
  private final byte[] buffer;
  private int head; // index of the oldest byte
  private int size;

  ByteRing(int capacityBytes) {
    this.buffer = new byte[capacityBytes];
  }

  int capacity() {
    return buffer.length;
  }

  int size() {
    return size;
  }

  int free() {
    return buffer.length - size;
  }

  /** Appends {@code length <= free()} bytes. */
  void write(byte[] source, int offset, int length) {
    int tail = (head + size) % buffer.length;
    int first = Math.min(length, buffer.length - tail);
    System.arraycopy(source, offset, buffer, tail, first);
    System.arraycopy(source, offset + first, buffer, 0, length - first);
    size += length;
  }

  /** Appends {@code length <= free()} bytes from {@code source}'s position, advancing it. */
  void write(ByteBuffer source, int length) {
    int tail = (head + size) % buffer.length;
    int first = Math.min(length, buffer.length - tail);
    source.get(buffer, tail, first);
    source.get(buffer, 0, length - first);
    size += length;
  }

  /** Removes the oldest {@code length <= size()} bytes into {@code destination}. */
  void read(byte[] destination, int offset, int length) {
    int first = Math.min(length, buffer.length - head);
    System.arraycopy(buffer, head, destination, offset, first);
    System.arraycopy(buffer, 0, destination, offset + first, length - first);
    head = (head + length) % buffer.length;
    size -= length;
  }

  void clear() {
    head = 0;
    size = 0;
  }
}
