package io.agentwire.provider.shared.internal;

import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) and HKDF (RFC 5869) over one of the backend's hashes, with scratch buffers reused
 * between calls so that key schedules allocate little. Noise's HKDF (revision 34, section 4.3) is
 * RFC 5869 with an empty info, which {@link #noiseHkdf} spells out. Not thread-safe; wipe with
 * {@link #destroy()}.
 */
public final class Hmac {

  private final HashFunction hash;
  private final int hashLength;
  private final int blockLength;
  private final byte[] pad;
  private final byte[] inner;
  private final byte[] keyBlock;
  private final byte[] prk;
  private final byte[] t;
  private final byte[] counter = new byte[1];

  public Hmac(Primitive hashPrimitive) {
    this.hash = Backends.newHash(hashPrimitive);
    this.hashLength = hash.hashLength();
    this.blockLength = hash.blockLength();
    this.pad = new byte[blockLength];
    this.inner = new byte[hashLength];
    this.keyBlock = new byte[blockLength];
    this.prk = new byte[hashLength];
    this.t = new byte[hashLength];
  }

  public int hashLength() {
    return hashLength;
  }

  /**
   * HMAC(key, data || suffix[0..suffixLength)) into {@code out[outOffset..+hashLength)}. Keys
   * longer than a block are hashed first, as RFC 2104 says.
   */
  public void mac(
      byte[] key,
      int keyLength,
      byte[] data,
      int offset,
      int length,
      byte[] suffix,
      int suffixLength,
      byte[] out,
      int outOffset) {
    Arrays.fill(keyBlock, (byte) 0);
    if (keyLength > blockLength) {
      hash.update(key, 0, keyLength);
      hash.doFinal(keyBlock, 0);
    } else {
      System.arraycopy(key, 0, keyBlock, 0, keyLength);
    }
    for (int i = 0; i < blockLength; i++) {
      pad[i] = (byte) (keyBlock[i] ^ 0x36);
    }
    hash.update(pad, 0, blockLength);
    hash.update(data, offset, length);
    if (suffixLength > 0) {
      hash.update(suffix, 0, suffixLength);
    }
    hash.doFinal(inner, 0);
    for (int i = 0; i < blockLength; i++) {
      pad[i] = (byte) (keyBlock[i] ^ 0x5c);
    }
    hash.update(pad, 0, blockLength);
    hash.update(inner, 0, hashLength);
    hash.doFinal(out, outOffset);
    Arrays.fill(pad, (byte) 0);
    Arrays.fill(keyBlock, (byte) 0);
    Arrays.fill(inner, (byte) 0);
  }

  /** HMAC(key, data) as a new array. */
  public byte[] mac(byte[] key, byte[] data) {
    byte[] out = new byte[hashLength];
    mac(key, key.length, data, 0, data.length, null, 0, out, 0);
    return out;
  }

  /**
   * RFC 5869 HKDF: extract with {@code salt} (an empty or null salt means hashLength zero bytes),
   * then expand {@code ikm} with {@code info} into {@code out} (at most 255 hash lengths).
   */
  public void hkdf(byte[] salt, byte[] ikm, int ikmOffset, int ikmLength, byte[] info, byte[] out) {
    if (out.length > 255 * hashLength) {
      throw new IllegalArgumentException("HKDF output too long");
    }
    byte[] s = salt == null || salt.length == 0 ? new byte[hashLength] : salt;
    mac(s, s.length, ikm, ikmOffset, ikmLength, null, 0, prk, 0);
    int produced = 0;
    int previous = 0;
    for (int i = 1; produced < out.length; i++) {
      // T(i) = HMAC(PRK, T(i-1) || info || i); T(0) is empty.
      counter[0] = (byte) i;
      byte[] message = concat(t, previous, info);
      mac(prk, hashLength, message, 0, message.length, counter, 1, t, 0);
      Arrays.fill(message, (byte) 0);
      int n = Math.min(hashLength, out.length - produced);
      System.arraycopy(t, 0, out, produced, n);
      produced += n;
      previous = hashLength;
    }
    Arrays.fill(prk, (byte) 0);
    Arrays.fill(t, (byte) 0);
  }

  /**
   * Noise's HKDF(ck, ikm, n) of revision 34, section 4.3: RFC 5869 with an empty info, written as
   * the spec writes it into {@code n} output arrays of hashLength bytes.
   */
  public void noiseHkdf(byte[] ck, byte[] ikm, int offset, int length, byte[]... outputs) {
    mac(ck, hashLength, ikm, offset, length, null, 0, prk, 0);
    byte[] previous = null;
    for (int i = 0; i < outputs.length; i++) {
      counter[0] = (byte) (i + 1);
      if (previous == null) {
        mac(prk, hashLength, counter, 0, 1, null, 0, outputs[i], 0);
      } else {
        mac(prk, hashLength, previous, 0, hashLength, counter, 1, outputs[i], 0);
      }
      previous = outputs[i];
    }
    Arrays.fill(prk, (byte) 0);
  }

  private static byte[] concat(byte[] a, int aLength, byte[] b) {
    byte[] out = new byte[aLength + (b == null ? 0 : b.length)];
    System.arraycopy(a, 0, out, 0, aLength);
    if (b != null) {
      System.arraycopy(b, 0, out, aLength, b.length);
    }
    return out;
  }

  public void destroy() {
    Arrays.fill(pad, (byte) 0);
    Arrays.fill(inner, (byte) 0);
    Arrays.fill(keyBlock, (byte) 0);
    Arrays.fill(prk, (byte) 0);
    Arrays.fill(t, (byte) 0);
  }
}
