package io.agentwire.provider.shared.internal;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A byte buffer for serializing secrets: sized exactly up front so it never grows (growing would
 * leave an unwiped copy behind), and wiped by the caller once the result is copied out. Not
 * thread-safe.
 */
public final class WipeableOutput extends ByteArrayOutputStream {

  private final int capacity;

  public WipeableOutput(int capacity) {
    super(capacity);
    this.capacity = capacity;
  }

  public void u16(int v) {
    write(v >>> 8);
    write(v);
  }

  public void u32(long v) {
    write((int) (v >>> 24));
    write((int) (v >>> 16));
    write((int) (v >>> 8));
    write((int) v);
  }

  /**
   * The bytes written followed by {@code trailer} zero bytes for the caller to fill, then wipes
   * this buffer.
   *
   * @throws IllegalStateException if more was written than the capacity given, which would have
   *     grown (and copied) the buffer
   */
  public byte[] toByteArrayAndWipe(int trailer) {
    if (buf.length != capacity) {
      Arrays.fill(buf, (byte) 0);
      throw new IllegalStateException("serialization outgrew its computed size");
    }
    byte[] out = Arrays.copyOf(buf, count + trailer);
    Arrays.fill(buf, (byte) 0);
    return out;
  }
}
