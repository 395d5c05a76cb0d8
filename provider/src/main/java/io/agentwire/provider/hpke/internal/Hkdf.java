package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.hpke.HpkeSuite;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF (RFC 5869) over the JDK's HMAC, and the labelled forms of RFC 9180 §4 ({@code
 * LabeledExtract}, {@code LabeledExpand}) with the "HPKE-v1" prefix. Stateless and thread-safe.
 */
public final class Hkdf {

  private static final byte[] VERSION = "HPKE-v1".getBytes(StandardCharsets.US_ASCII);

  private final String macName;
  private final int hashLength;

  private Hkdf(String macName, int hashLength) {
    this.macName = macName;
    this.hashLength = hashLength;
  }

  public static Hkdf of(HpkeSuite.Kdf kdf) {
    switch (kdf) {
      case HKDF_SHA256:
        return new Hkdf("HmacSHA256", 32);
      case HKDF_SHA384:
        return new Hkdf("HmacSHA384", 48);
      case HKDF_SHA512:
        return new Hkdf("HmacSHA512", 64);
      default:
        throw new IllegalArgumentException(kdf.name());
    }
  }

  public int hashLength() {
    return hashLength;
  }

  private Mac mac(byte[] key) {
    try {
      Mac m = Mac.getInstance(macName);
      // HMAC takes any key, the empty one included; SecretKeySpec refuses an empty array.
      m.init(new SecretKeySpec(key.length == 0 ? new byte[hashLength] : key, macName));
      return m;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(macName + " is missing from this JDK", e);
    }
  }

  /** Extract(salt, ikm); an empty salt is Nh zero bytes, which HMAC treats the same. */
  public byte[] extract(byte[] salt, byte[]... ikm) {
    Mac m = mac(salt);
    for (byte[] part : ikm) {
      m.update(part);
    }
    return m.doFinal();
  }

  /** Expand(prk, info, length); length at most 255 * Nh. */
  public byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > 255 * hashLength) {
      throw new IllegalArgumentException("HKDF-Expand length " + length + " out of range");
    }
    Mac m = mac(prk);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int done = 0;
    for (int i = 1; done < length; i++) {
      m.update(t);
      m.update(info);
      m.update((byte) i);
      byte[] next = m.doFinal();
      Arrays.fill(t, (byte) 0);
      t = next;
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    Arrays.fill(t, (byte) 0);
    return out;
  }

  /** LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm). */
  public byte[] labeledExtract(byte[] salt, byte[] suiteId, String label, byte[] ikm) {
    return extract(salt, VERSION, suiteId, label.getBytes(StandardCharsets.US_ASCII), ikm);
  }

  /**
   * LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label
   * || info, L).
   */
  public byte[] labeledExpand(byte[] prk, byte[] suiteId, String label, byte[] info, int length) {
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    byte[] labeled = new byte[2 + VERSION.length + suiteId.length + l.length + info.length];
    labeled[0] = (byte) (length >> 8);
    labeled[1] = (byte) length;
    int o = 2;
    System.arraycopy(VERSION, 0, labeled, o, VERSION.length);
    o += VERSION.length;
    System.arraycopy(suiteId, 0, labeled, o, suiteId.length);
    o += suiteId.length;
    System.arraycopy(l, 0, labeled, o, l.length);
    o += l.length;
    System.arraycopy(info, 0, labeled, o, info.length);
    return expand(prk, labeled, length);
  }
}
