package io.agentwire.nativeaccel;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * A direct buffer and its address. The garbage collector frees the memory; callers wipe what they
 * staged before letting go of it. Native code sees only the address, so whoever passes it must keep
 * this object reachable until the call returns.
 */
final class NativeMemory {

  private static final byte[] ZEROS = new byte[256];

  final ByteBuffer buffer;
  final long address;
  final int capacity;

  NativeMemory(int capacity, int alignment) {
    ByteBuffer raw = ByteBuffer.allocateDirect(capacity + alignment);
    this.buffer = alignment > 1 ? raw.alignedSlice(alignment) : raw;
    if (buffer.capacity() < capacity) {
      throw new IllegalStateException("aligned native buffer is smaller than requested");
    }
    this.address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    this.capacity = buffer.capacity();
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

  /** Overwrites a short region from Java: cheaper than a native call for a key or a nonce. */
  void zero(int at, int length) {
    while (length > 0) {
      int n = Math.min(length, ZEROS.length);
      buffer.put(at, ZEROS, 0, n);
      at += n;
      length -= n;
    }
  }

  /** Overwrites a region through libsodium, which the compiler cannot elide; for long regions. */
  void wipe(int at, int length) {
    Sodium.sodium_memzero(address + at, length);
  }
}
