package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.hpke.Hpke;
import io.agentwire.provider.hpke.HpkeException;
import io.agentwire.provider.hpke.HpkeSuite;
import java.util.Arrays;

/**
 * The encryption context of RFC 9180 §5.2 and §5.3, for either side. The sequence number is a
 * {@code long}: RFC 9180 allows 2^96 - 1 messages with a 12-byte nonce, this context refuses the
 * message after 2^63 - 2 with {@code MESSAGE_LIMIT_REACHED}, which no real sender reaches. A failed
 * open leaves it where it was. Methods are synchronized, so a context shared by mistake stays
 * consistent, but a context is meant for one thread.
 */
public final class HpkeContextImpl implements Hpke.Sender, Hpke.Recipient {

  private final HpkeSuite suite;
  private final Hkdf kdf;
  private final byte[] enc;
  private final HpkeAead aead;
  private final byte[] baseNonce;
  private final byte[] exporterSecret;
  private long seq;
  private boolean destroyed;

  HpkeContextImpl(
      HpkeSuite suite, Hkdf kdf, byte[] enc, byte[] key, byte[] baseNonce, byte[] exporterSecret) {
    this.suite = suite;
    this.kdf = kdf;
    this.enc = enc;
    this.aead = suite.aead() == HpkeSuite.Aead.EXPORT_ONLY ? null : HpkeAead.of(suite.aead(), key);
    this.baseNonce = baseNonce;
    this.exporterSecret = exporterSecret;
  }

  @Override
  public HpkeSuite suite() {
    return suite;
  }

  @Override
  public byte[] enc() {
    return enc.clone();
  }

  /** The next sequence number (for tests). */
  public synchronized long sequenceNumber() {
    return seq;
  }

  /** Moves the sequence number (for tests of the limit). */
  public synchronized void setSequenceNumber(long seq) {
    this.seq = seq;
  }

  private void checkUsable() throws HpkeException {
    if (destroyed) {
      throw new HpkeException(HpkeException.Reason.DESTROYED, "the HPKE context was destroyed");
    }
  }

  private void checkAead() throws HpkeException {
    checkUsable();
    if (aead == null) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_ARGUMENT, "an export-only context cannot seal or open");
    }
    if (seq == Long.MAX_VALUE) {
      throw new HpkeException(
          HpkeException.Reason.MESSAGE_LIMIT_REACHED, "the context's sequence number is exhausted");
    }
  }

  private byte[] nonce() {
    byte[] nonce = baseNonce.clone();
    long s = seq;
    for (int i = nonce.length - 1; i >= nonce.length - 8; i--) {
      nonce[i] ^= (byte) s;
      s >>>= 8;
    }
    return nonce;
  }

  @Override
  public synchronized byte[] seal(byte[] aad, byte[] plaintext) throws HpkeException {
    checkAead();
    byte[] ct = aead.seal(nonce(), aad == null ? new byte[0] : aad, plaintext);
    seq++;
    return ct;
  }

  @Override
  public synchronized byte[] open(byte[] aad, byte[] ciphertext) throws HpkeException {
    checkAead();
    byte[] pt = aead.open(nonce(), aad == null ? new byte[0] : aad, ciphertext);
    seq++;
    return pt;
  }

  @Override
  public synchronized byte[] export(byte[] exporterContext, int length) throws HpkeException {
    checkUsable();
    if (length < 0 || length > 255 * kdf.hashLength()) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_ARGUMENT,
          "an export length is in 0.." + 255 * kdf.hashLength() + ", not " + length);
    }
    return kdf.labeledExpand(
        exporterSecret,
        suite.suiteId(),
        "sec",
        exporterContext == null ? new byte[0] : exporterContext,
        length);
  }

  @Override
  public synchronized void destroy() {
    if (aead != null) {
      aead.destroy();
    }
    Arrays.fill(baseNonce, (byte) 0);
    Arrays.fill(exporterSecret, (byte) 0);
    destroyed = true;
  }

  @Override
  public synchronized boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "HpkeContext[" + suite.name() + "]";
  }
}
