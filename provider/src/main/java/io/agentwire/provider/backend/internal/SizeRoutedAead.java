package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Two implementations of one AEAD; each message goes to the faster one for its size. The one for
 * large messages is made on first use, since handshakes and small messages never need it.
 */
final class SizeRoutedAead implements AeadCipher {

  private final AeadCipher small;
  private final Supplier<AeadCipher> largeFactory;
  private final int cutover;
  private final byte[] key = new byte[32];
  private AeadCipher large;
  private boolean largeKeyed;

  SizeRoutedAead(AeadCipher small, Supplier<AeadCipher> largeFactory, int cutover) {
    this.small = small;
    this.largeFactory = largeFactory;
    this.cutover = cutover;
  }

  @Override
  public void setKey(byte[] newKey) throws GeneralSecurityException {
    small.setKey(newKey);
    System.arraycopy(newKey, 0, key, 0, 32);
    largeKeyed = false;
  }

  private AeadCipher large() throws GeneralSecurityException {
    if (large == null) {
      large = largeFactory.get();
    }
    if (!largeKeyed) {
      large.setKey(key);
      largeKeyed = true;
    }
    return large;
  }

  @Override
  public int seal(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException {
    return (length < cutover ? small : large())
        .seal(nonce, ad, adOffset, adLength, in, inOffset, length, out, outOffset);
  }

  @Override
  public int open(
      byte[] nonce,
      byte[] ad,
      int adOffset,
      int adLength,
      byte[] in,
      int inOffset,
      int length,
      byte[] out,
      int outOffset)
      throws GeneralSecurityException {
    return (length - TAG_LENGTH < cutover ? small : large())
        .open(nonce, ad, adOffset, adLength, in, inOffset, length, out, outOffset);
  }

  @Override
  public void destroy() {
    Arrays.fill(key, (byte) 0);
    largeKeyed = false;
    small.destroy();
    if (large != null) {
      large.destroy();
    }
  }
}
