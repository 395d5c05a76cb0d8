package io.agentwire.nativeaccel;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * A direct buffer and its address. The garbage collector frees the memory; {@link #wipe} zeroes it
 * through libsodium so the compiler cannot elide the write.
 */
final class NativeMemory {

  final ByteBuffer buffer;
  final long address;
  final int capacity;

  NativeMemory(int capacity, int alignment) {
    ByteBuffer raw = ByteBuffer.allocateDirect(capacity + alignment);
    this.buffer = alignment > 1 ? raw.alignedSlice(alignment) : raw;
    this.address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    this.capacity = capacity;
  }

  NativeMemory(int capacity) {
    this(capacity, 16);
  }

  void put(int at, byte[] src, int offset, int length) {
    buffer.put(at, src, offset, length);
  }

  void get(int at, byte[] dst, int offset, int length) {
    buffer.get(at, dst, offset, length);
  }

  private static final byte[] ZEROS = new byte[64];

  /** Overwrites a short region with zeros from Java: cheaper than a native call per message. */
  void zero(int at, int length) {
    buffer.put(at, ZEROS, 0, length);
  }

  void wipe(int at, int length) {
    Sodium.sodium_memzero(address + at, length);
  }
}
