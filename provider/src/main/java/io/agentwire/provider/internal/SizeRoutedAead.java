package io.agentwire.provider.internal;

import io.agentwire.provider.backend.AeadCipher;
import java.security.GeneralSecurityException;

/** Two keyed implementations of one AEAD; each message goes to the faster one for its size. */
final class SizeRoutedAead implements AeadCipher {

  private final AeadCipher small;
  private final AeadCipher large;
  private final int cutover;

  SizeRoutedAead(AeadCipher small, AeadCipher large, int cutover) {
    this.small = small;
    this.large = large;
    this.cutover = cutover;
  }

  @Override
  public void setKey(byte[] key) throws GeneralSecurityException {
    small.setKey(key);
    large.setKey(key);
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
    return (length < cutover ? small : large)
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
    return (length - TAG_LENGTH < cutover ? small : large)
        .open(nonce, ad, adOffset, adLength, in, inOffset, length, out, outOffset);
  }

  @Override
  public void destroy() {
    small.destroy();
    large.destroy();
  }
}
