package io.agentwire.mls.internal.crypto;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.CryptoBackends;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.hpke.Hpke;
import io.agentwire.provider.hpke.HpkeException;
import io.agentwire.provider.hpke.HpkeKeyPair;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One RFC 9420 cipher suite: SHA-2 and HMAC through the JDK, the AEAD through the provider's routed
 * backend (ChaCha20-Poly1305, AES-256-GCM) or the JDK (AES-128-GCM), HPKE through the provider's
 * HPKE service, signatures as {@link SignatureScheme} makes them.
 */
final class StandardSuite implements Suite {

  private static final byte[] MLS_PREFIX = "MLS 1.0 ".getBytes(StandardCharsets.US_ASCII);

  /** The AEADs of the MLS suites. */
  enum AeadKind {
    AES_128_GCM(16),
    AES_256_GCM(32),
    CHACHA20_POLY1305(32);

    final int keyLength;

    AeadKind(int keyLength) {
      this.keyLength = keyLength;
    }
  }

  private final CipherSuite suite;
  private final String hashName;
  private final String macName;
  private final int hashLength;
  private final AeadKind aead;
  private final Hpke hpke;
  private final SignatureScheme signature;

  StandardSuite(
      CipherSuite suite,
      String hashName,
      String macName,
      int hashLength,
      AeadKind aead,
      Hpke hpke,
      SignatureScheme signature) {
    this.suite = suite;
    this.hashName = hashName;
    this.macName = macName;
    this.hashLength = hashLength;
    this.aead = aead;
    this.hpke = hpke;
    this.signature = signature;
  }

  @Override
  public CipherSuite suite() {
    return suite;
  }

  @Override
  public int hashLength() {
    return hashLength;
  }

  @Override
  public int aeadKeyLength() {
    return aead.keyLength;
  }

  @Override
  public int aeadNonceLength() {
    return 12;
  }

  @Override
  public byte[] hash(byte[] data) {
    try {
      return MessageDigest.getInstance(hashName).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(hashName + " is missing from this JDK", e);
    }
  }

  private Mac macFor(byte[] key) {
    try {
      Mac m = Mac.getInstance(macName);
      // HMAC pads an empty key with zeros to a block; SecretKeySpec refuses an empty array.
      m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, macName));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(macName + " is missing from this JDK", e);
    }
  }

  @Override
  public byte[] mac(byte[] key, byte[] data) {
    return macFor(key).doFinal(data);
  }

  @Override
  public boolean verifyMac(byte[] key, byte[] data, byte[] tag) {
    byte[] expected = mac(key, data);
    try {
      return MessageDigest.isEqual(expected, tag);
    } finally {
      Arrays.fill(expected, (byte) 0);
    }
  }

  @Override
  public byte[] extract(byte[] salt, byte[] ikm) {
    return macFor(salt).doFinal(ikm);
  }

  @Override
  public byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > 255 * hashLength) {
      throw new IllegalArgumentException("KDF.Expand length " + length + " out of range");
    }
    Mac m = macFor(prk);
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

  private static byte[] mlsLabel(String label) {
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(MLS_PREFIX, MLS_PREFIX.length + l.length);
    System.arraycopy(l, 0, out, MLS_PREFIX.length, l.length);
    return out;
  }

  @Override
  public byte[] expandWithLabel(byte[] secret, String label, byte[] context, int length) {
    if (length < 0 || length > 0xFFFF) {
      throw new IllegalArgumentException("ExpandWithLabel length " + length + " out of range");
    }
    byte[] kdfLabel =
        new TlsWriter().u16(length).opaque(mlsLabel(label)).opaque(context).toByteArray();
    return expand(secret, kdfLabel, length);
  }

  @Override
  public byte[] deriveSecret(byte[] secret, String label) {
    return expandWithLabel(secret, label, new byte[0], hashLength);
  }

  @Override
  public byte[] refHash(String label, byte[] value) {
    return hash(
        new TlsWriter()
            .opaque(label.getBytes(StandardCharsets.US_ASCII))
            .opaque(value)
            .toByteArray());
  }

  @Override
  public byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) throws MlsException {
    checkAeadInputs(key, nonce);
    try {
      if (aead == AeadKind.AES_128_GCM) {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(
            Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        return c.doFinal(plaintext);
      }
      AeadCipher c = backendAead(key);
      try {
        byte[] out = new byte[plaintext.length + AeadCipher.TAG_LENGTH];
        c.seal(nonce, aad, 0, aad.length, plaintext, 0, plaintext.length, out, 0);
        return out;
      } finally {
        c.destroy();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AEAD seal failed", e);
    }
  }

  @Override
  public byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) throws MlsException {
    checkAeadInputs(key, nonce);
    if (ciphertext.length < AeadCipher.TAG_LENGTH) {
      throw new MlsException(
          MlsException.Reason.DECRYPT_FAILED, "the ciphertext is shorter than a tag");
    }
    try {
      if (aead == AeadKind.AES_128_GCM) {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(
            Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        return c.doFinal(ciphertext);
      }
      AeadCipher c = backendAead(key);
      try {
        byte[] out = new byte[ciphertext.length - AeadCipher.TAG_LENGTH];
        c.open(nonce, aad, 0, aad.length, ciphertext, 0, ciphertext.length, out, 0);
        return out;
      } finally {
        c.destroy();
      }
    } catch (AEADBadTagException e) {
      throw new MlsException(
          MlsException.Reason.DECRYPT_FAILED, "the ciphertext does not authenticate");
    } catch (GeneralSecurityException e) {
      throw new MlsException(MlsException.Reason.DECRYPT_FAILED, "AEAD open failed", e);
    }
  }

  private void checkAeadInputs(byte[] key, byte[] nonce) throws MlsException {
    if (key.length != aead.keyLength || nonce.length != 12) {
      throw new MlsException(
          MlsException.Reason.MALFORMED,
          "an AEAD key has " + aead.keyLength + " bytes and a nonce 12");
    }
  }

  private AeadCipher backendAead(byte[] key) throws GeneralSecurityException {
    AeadCipher c =
        CryptoBackends.routed()
            .newAead(
                aead == AeadKind.AES_256_GCM ? Primitive.AES_256_GCM : Primitive.CHACHA20_POLY1305);
    c.setKey(key);
    return c;
  }

  @Override
  public KeyPair generateSignatureKeyPair() {
    return signature.generate();
  }

  @Override
  public byte[] signaturePublicKey(byte[] signaturePrivateKey) throws MlsException {
    return signature.publicKey(signaturePrivateKey);
  }

  private static byte[] signContent(String label, byte[] content) {
    return new TlsWriter().opaque(mlsLabel(label)).opaque(content).toByteArray();
  }

  @Override
  public byte[] signWithLabel(byte[] signaturePrivateKey, String label, byte[] content)
      throws MlsException {
    return signature.sign(signaturePrivateKey, signContent(label, content));
  }

  @Override
  public boolean verifyWithLabel(
      byte[] signaturePublicKey, String label, byte[] content, byte[] sig) {
    if (signaturePublicKey == null || content == null || sig == null || label == null) {
      return false;
    }
    return signature.verify(signaturePublicKey, signContent(label, content), sig);
  }

  @Override
  public KeyPair generateHpkeKeyPair() {
    HpkeKeyPair kp = hpke.generateKeyPair();
    try {
      return new KeyPair(kp.publicKey(), kp.privateKey());
    } finally {
      kp.destroy();
    }
  }

  @Override
  public KeyPair deriveHpkeKeyPair(byte[] ikm) throws MlsException {
    try {
      HpkeKeyPair kp = hpke.deriveKeyPair(ikm);
      try {
        return new KeyPair(kp.publicKey(), kp.privateKey());
      } finally {
        kp.destroy();
      }
    } catch (HpkeException e) {
      throw new MlsException(MlsException.Reason.INVALID, "DeriveKeyPair failed", e);
    }
  }

  /** A private key of a NIST curve given with its leading zeros dropped, padded back. */
  private byte[] hpkePrivate(byte[] privateKey) {
    int nsk = hpke.getSuite().kem().privateKeyLength();
    if (privateKey.length >= nsk || privateKey.length == 0) {
      return privateKey;
    }
    switch (hpke.getSuite().kem()) {
      case DHKEM_P256_HKDF_SHA256:
      case DHKEM_P384_HKDF_SHA384:
      case DHKEM_P521_HKDF_SHA512:
        byte[] out = new byte[nsk];
        System.arraycopy(privateKey, 0, out, nsk - privateKey.length, privateKey.length);
        return out;
      default:
        return privateKey;
    }
  }

  @Override
  public byte[] hpkePublicKey(byte[] hpkePrivateKey) throws MlsException {
    try {
      return hpke.publicKey(hpkePrivate(hpkePrivateKey));
    } catch (HpkeException e) {
      throw new MlsException(MlsException.Reason.MALFORMED, "not an HPKE private key", e);
    }
  }

  private static byte[] encryptContext(String label, byte[] context) {
    return new TlsWriter().opaque(mlsLabel(label)).opaque(context).toByteArray();
  }

  @Override
  public HpkeSealed encryptWithLabel(
      byte[] hpkePublicKey, String label, byte[] context, byte[] plaintext) throws MlsException {
    try {
      Hpke.Sealed s =
          hpke.seal(hpkePublicKey, encryptContext(label, context), new byte[0], plaintext);
      return new HpkeSealed(s.enc(), s.ciphertext());
    } catch (HpkeException e) {
      throw new MlsException(
          MlsException.Reason.INVALID, "HPKE encryption failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] decryptWithLabel(
      byte[] hpkePrivateKey, String label, byte[] context, byte[] kemOutput, byte[] ciphertext)
      throws MlsException {
    try {
      return hpke.open(
          kemOutput,
          hpkePrivate(hpkePrivateKey),
          encryptContext(label, context),
          new byte[0],
          ciphertext);
    } catch (HpkeException e) {
      throw new MlsException(
          MlsException.Reason.DECRYPT_FAILED, "HPKE decryption failed: " + e.getMessage(), e);
    }
  }

  @Override
  public HpkeExported exportSender(
      byte[] hpkePublicKey, byte[] info, byte[] exporterContext, int length) throws MlsException {
    try {
      Hpke.Exported e = hpke.sendExport(hpkePublicKey, info, exporterContext, length);
      return new HpkeExported(e.enc(), e.secret());
    } catch (HpkeException e) {
      throw new MlsException(
          MlsException.Reason.INVALID, "HPKE export failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] exportReceiver(
      byte[] hpkePrivateKey, byte[] kemOutput, byte[] info, byte[] exporterContext, int length)
      throws MlsException {
    try {
      return hpke.receiveExport(
          kemOutput, hpkePrivate(hpkePrivateKey), info, exporterContext, length);
    } catch (HpkeException e) {
      throw new MlsException(
          MlsException.Reason.DECRYPT_FAILED, "HPKE export failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "Suite[" + suite + "]";
  }
}
