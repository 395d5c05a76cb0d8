package io.agentwire.provider.noise.internal;

import io.agentwire.provider.backend.HashFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.shared.internal.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The SymmetricState object of Noise revision 34, section 5.2: chaining key ck, handshake hash h
 * and a CipherState, with HMAC and HKDF as section 4.3 defines them over the protocol's hash. Keys
 * from 64-byte hashes are truncated to 32 bytes. Not thread-safe.
 */
final class SymmetricState {

  private final HashFunction hash;
  private final int hashLength;
  private final Primitive cipher;
  private final CipherState cipherState;
  private final byte[] ck;
  private final byte[] h;
  private final Hmac hmac;
  private final byte[] out1;
  private final byte[] out2;
  private final byte[] out3;

  SymmetricState(Primitive hashPrimitive, Primitive cipher) {
    this.hash = Backends.newHash(hashPrimitive);
    this.hashLength = hash.hashLength();
    this.cipher = cipher;
    this.cipherState = new CipherState(cipher);
    this.ck = new byte[hashLength];
    this.h = new byte[hashLength];
    this.hmac = new Hmac(hashPrimitive);
    this.out1 = new byte[hashLength];
    this.out2 = new byte[hashLength];
    this.out3 = new byte[hashLength];
  }

  int hashLength() {
    return hashLength;
  }

  /** InitializeSymmetric(protocol_name). */
  void initialize(String protocolName) {
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    if (name.length <= hashLength) {
      Arrays.fill(h, (byte) 0);
      System.arraycopy(name, 0, h, 0, name.length);
    } else {
      hash.update(name, 0, name.length);
      hash.doFinal(h, 0);
    }
    System.arraycopy(h, 0, ck, 0, hashLength);
  }

  /** MixKey(input_key_material). */
  void mixKey(byte[] ikm, int offset, int length) throws GeneralSecurityException {
    hkdf(ikm, offset, length, 2);
    System.arraycopy(out1, 0, ck, 0, hashLength);
    cipherState.initializeKey(out2);
  }

  /** MixHash(data). */
  void mixHash(byte[] data, int offset, int length) {
    hash.update(h, 0, hashLength);
    hash.update(data, offset, length);
    hash.doFinal(h, 0);
  }

  /** MixKeyAndHash(input_key_material), for psk tokens (section 9). */
  void mixKeyAndHash(byte[] ikm) throws GeneralSecurityException {
    hkdf(ikm, 0, ikm.length, 3);
    System.arraycopy(out1, 0, ck, 0, hashLength);
    mixHash(out2, 0, hashLength);
    cipherState.initializeKey(out3);
  }

  boolean hasKey() {
    return cipherState.hasKey();
  }

  /** EncryptAndHash(plaintext): returns the bytes written at {@code out[outOffset]}. */
  int encryptAndHash(byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    int written = cipherState.encryptWithAd(h, hashLength, in, inOffset, length, out, outOffset);
    mixHash(out, outOffset, written);
    return written;
  }

  /**
   * DecryptAndHash(ciphertext). The new h is computed before decryption, because the output may
   * overwrite the ciphertext, and installed only when decryption succeeds.
   */
  int decryptAndHash(byte[] in, int inOffset, int length, byte[] out, int outOffset)
      throws GeneralSecurityException {
    byte[] next = out3;
    hash.update(h, 0, hashLength);
    hash.update(in, inOffset, length);
    hash.doFinal(next, 0);
    int written = cipherState.decryptWithAd(h, hashLength, in, inOffset, length, out, outOffset);
    System.arraycopy(next, 0, h, 0, hashLength);
    return written;
  }

  /** Split(): two CipherStates, the first for initiator-to-responder traffic. */
  CipherState[] split() throws GeneralSecurityException {
    hkdf(new byte[0], 0, 0, 2);
    CipherState c1 = new CipherState(cipher);
    CipherState c2 = new CipherState(cipher);
    c1.initializeKey(out1);
    c2.initializeKey(out2);
    wipeScratch();
    return new CipherState[] {c1, c2};
  }

  byte[] handshakeHash() {
    return h.clone();
  }

  /** A copy of everything that reading a message can change, for rollback on failure. */
  Snapshot snapshot() {
    return new Snapshot(ck.clone(), h.clone(), cipherState.keyCopy(), cipherState.nonce());
  }

  void restore(Snapshot s) throws GeneralSecurityException {
    System.arraycopy(s.ck, 0, ck, 0, hashLength);
    System.arraycopy(s.h, 0, h, 0, hashLength);
    cipherState.restore(s.key, s.nonce);
  }

  static final class Snapshot {
    final byte[] ck;
    final byte[] h;
    final byte[] key;
    final long nonce;

    Snapshot(byte[] ck, byte[] h, byte[] key, long nonce) {
      this.ck = ck;
      this.h = h;
      this.key = key;
      this.nonce = nonce;
    }

    void wipe() {
      Arrays.fill(ck, (byte) 0);
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  /**
   * The first output of HKDF(chainingKey, ikm, 2) over {@code hashPrimitive}; a key shorter than
   * the hash length is zero-padded, which HMAC does anyway. The caller wipes the result.
   */
  static byte[] hkdfFirst(Primitive hashPrimitive, byte[] chainingKey, byte[] ikm) {
    Hmac hmac = new Hmac(hashPrimitive);
    int n = hmac.hashLength();
    byte[] ck = Arrays.copyOf(chainingKey, n);
    byte[] first = new byte[n];
    byte[] second = new byte[n];
    try {
      hmac.noiseHkdf(ck, ikm, 0, ikm.length, first, second);
      return first;
    } finally {
      Arrays.fill(ck, (byte) 0);
      Arrays.fill(second, (byte) 0);
      hmac.destroy();
    }
  }

  /** HKDF(ck, ikm, outputs) of section 4.3 into out1, out2 and (for three outputs) out3. */
  private void hkdf(byte[] ikm, int offset, int length, int outputs) {
    if (outputs == 3) {
      hmac.noiseHkdf(ck, ikm, offset, length, out1, out2, out3);
    } else {
      hmac.noiseHkdf(ck, ikm, offset, length, out1, out2);
    }
  }

  private void wipeScratch() {
    Arrays.fill(out1, (byte) 0);
    Arrays.fill(out2, (byte) 0);
    Arrays.fill(out3, (byte) 0);
    hmac.destroy();
  }

  void destroy() {
    wipeScratch();
    Arrays.fill(ck, (byte) 0);
    Arrays.fill(h, (byte) 0);
    cipherState.destroy();
  }
}
