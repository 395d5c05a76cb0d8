package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.HashFunction;
import java.util.Arrays;

/**
 * One hash function from two implementations: input is held back until it passes {@code cutover}
 * bytes, then streamed to the implementation that is faster for long input; a message that ends
 * before that is hashed by the one that is faster for short input. Nothing is committed to either
 * until the size is known, so both give the same digest.
 */
final class SizeRoutedHash implements HashFunction {

  private final HashFunction small;
  private final java.util.function.Supplier<HashFunction> largeFactory;
  private HashFunction large;
  private final byte[] pending;
  private int pendingLength;
  private boolean streaming;

  /** The hash for long input is made on first use: handshakes hash only short input. */
  SizeRoutedHash(HashFunction small, java.util.function.Supplier<HashFunction> large, int cutover) {
    this.small = small;
    this.largeFactory = large;
    this.pending = new byte[cutover - 1]; // messages shorter than the cutover stay small
  }

  @Override
  public int hashLength() {
    return small.hashLength();
  }

  @Override
  public int blockLength() {
    return small.blockLength();
  }

  @Override
  public void update(byte[] in, int offset, int length) {
    if (!streaming && pendingLength + length <= pending.length) {
      System.arraycopy(in, offset, pending, pendingLength, length);
      pendingLength += length;
      return;
    }
    if (!streaming) {
      if (large == null) {
        large = largeFactory.get();
      }
      large.update(pending, 0, pendingLength);
      streaming = true;
    }
    large.update(in, offset, length);
  }

  @Override
  public void doFinal(byte[] out, int offset) {
    if (streaming) {
      large.doFinal(out, offset);
    } else {
      small.update(pending, 0, pendingLength);
      small.doFinal(out, offset);
    }
    reset();
  }

  @Override
  public HashFunction copy() {
    SizeRoutedHash c = new SizeRoutedHash(small.copy(), largeFactory, pending.length + 1);
    System.arraycopy(pending, 0, c.pending, 0, pendingLength);
    c.pendingLength = pendingLength;
    c.streaming = streaming;
    c.large = large == null ? null : large.copy();
    return c;
  }

  @Override
  public void reset() {
    Arrays.fill(pending, 0, pendingLength, (byte) 0);
    pendingLength = 0;
    if (streaming) {
      large.reset();
    }
    streaming = false;
    small.reset();
  }
}
