package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import java.security.MessageDigestSpi;

/** MessageDigest for BLAKE2s-256 and BLAKE2b-512 (RFC 7693), through the chosen backend. */
public final class Blake2DigestSpi extends MessageDigestSpi implements Cloneable {

  private final HashFunction hash;
  private final byte[] one = new byte[1];

  public Blake2DigestSpi(Primitive primitive) {
    this(Backends.newHash(primitive));
  }

  private Blake2DigestSpi(HashFunction hash) {
    this.hash = hash;
  }

  /** A digest that continues independently from this one's state, as JDK digests allow. */
  @Override
  public Object clone() {
    return new Blake2DigestSpi(hash.copy());
  }

  @Override
  protected int engineGetDigestLength() {
    return hash.hashLength();
  }

  @Override
  protected void engineUpdate(byte input) {
    one[0] = input;
    hash.update(one, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    hash.update(input, offset, len);
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[hash.hashLength()];
    hash.doFinal(out, 0);
    return out;
  }

  @Override
  protected void engineReset() {
    hash.reset();
  }
}
