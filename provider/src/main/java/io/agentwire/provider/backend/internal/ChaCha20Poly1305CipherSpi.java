package io.agentwire.provider.backend.internal;

import io.agentwire.provider.backend.AeadCipher;
import io.agentwire.provider.backend.Primitive;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * Cipher "ChaCha20-Poly1305" (RFC 8439) with the conventions of the JDK's own: a 12-byte nonce in
 * an {@link IvParameterSpec}, the 16-byte tag appended, and refusal to encrypt twice with one key
 * and nonce. Input is buffered until {@code doFinal}, so decryption never releases unverified
 * plaintext.
 */
public final class ChaCha20Poly1305CipherSpi extends CipherSpi {

  private AeadCipher aead;
  private int mode;
  private byte[] key;
  private byte[] nonce;
  private byte[] aad = new byte[0];
  private int aadLength;
  private byte[] buffer = new byte[0];
  private int bufferLength;
  private boolean needsReinit;
  private boolean dataSeen;

  @Override
  protected void engineSetMode(String m) throws NoSuchAlgorithmException {
    if (!m.equalsIgnoreCase("None")) {
      throw new NoSuchAlgorithmException("ChaCha20-Poly1305 has no mode " + m);
    }
  }

  @Override
  protected void engineSetPadding(String padding) throws NoSuchPaddingException {
    if (!padding.equalsIgnoreCase("NoPadding")) {
      throw new NoSuchPaddingException("ChaCha20-Poly1305 takes no padding " + padding);
    }
  }

  @Override
  protected int engineGetBlockSize() {
    return 0;
  }

  @Override
  protected int engineGetOutputSize(int inputLen) {
    int total = bufferLength + inputLen;
    return mode == Cipher.ENCRYPT_MODE
        ? total + AeadCipher.TAG_LENGTH
        : Math.max(0, total - AeadCipher.TAG_LENGTH);
  }

  @Override
  protected byte[] engineGetIV() {
    return nonce == null ? null : nonce.clone();
  }

  @Override
  protected AlgorithmParameters engineGetParameters() {
    if (nonce == null) {
      return null;
    }
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("ChaCha20-Poly1305", "SunJCE");
      p.init(new IvParameterSpec(nonce));
      return p;
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  @Override
  protected void engineInit(int opmode, Key k, SecureRandom random) throws InvalidKeyException {
    if (opmode == Cipher.DECRYPT_MODE || opmode == Cipher.UNWRAP_MODE) {
      throw new InvalidKeyException("decryption needs the nonce: pass an IvParameterSpec");
    }
    byte[] n = new byte[AeadCipher.NONCE_LENGTH];
    (random != null ? random : new SecureRandom()).nextBytes(n);
    try {
      init(opmode, k, n);
    } catch (InvalidAlgorithmParameterException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
  }

  @Override
  protected void engineInit(int opmode, Key k, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params == null) {
      engineInit(opmode, k, random);
      return;
    }
    if (!(params instanceof IvParameterSpec)) {
      throw new InvalidAlgorithmParameterException(
          "ChaCha20-Poly1305 takes an IvParameterSpec holding the 12-byte nonce");
    }
    init(opmode, k, ((IvParameterSpec) params).getIV());
  }

  @Override
  protected void engineInit(int opmode, Key k, AlgorithmParameters params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params == null) {
      engineInit(opmode, k, random);
      return;
    }
    try {
      engineInit(opmode, k, params.getParameterSpec(IvParameterSpec.class), random);
    } catch (InvalidParameterSpecException e) {
      throw new InvalidAlgorithmParameterException("parameters hold no nonce", e);
    }
  }

  private void init(int opmode, Key k, byte[] n)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (k == null || !"RAW".equalsIgnoreCase(k.getFormat())) {
      throw new InvalidKeyException("ChaCha20-Poly1305 needs a raw 32-byte secret key");
    }
    byte[] newKey = k.getEncoded();
    if (newKey == null || newKey.length != 32) {
      throw new InvalidKeyException(
          "ChaCha20-Poly1305 key must be 32 bytes, got " + (newKey == null ? 0 : newKey.length));
    }
    if (n.length != AeadCipher.NONCE_LENGTH) {
      throw new InvalidAlgorithmParameterException(
          "ChaCha20-Poly1305 nonce must be 12 bytes, got " + n.length);
    }
    boolean encrypting = opmode == Cipher.ENCRYPT_MODE || opmode == Cipher.WRAP_MODE;
    if (encrypting
        && key != null
        && MessageDigest.isEqual(key, newKey)
        && Arrays.equals(nonce, n)) {
      throw new InvalidKeyException("refusing to encrypt twice with the same key and nonce");
    }
    if (aead == null) {
      aead = Backends.newAead(Primitive.CHACHA20_POLY1305);
    }
    try {
      aead.setKey(newKey);
    } catch (GeneralSecurityException e) {
      throw new InvalidKeyException(e.getMessage(), e);
    }
    if (key != null) {
      Arrays.fill(key, (byte) 0);
    }
    key = newKey;
    nonce = n.clone();
    mode = encrypting ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
    needsReinit = false;
    reset();
  }

  private void reset() {
    Arrays.fill(buffer, 0, bufferLength, (byte) 0);
    bufferLength = 0;
    aadLength = 0;
    dataSeen = false;
  }

  private void checkReady() {
    if (key == null) {
      throw new IllegalStateException("Cipher not initialized");
    }
    if (needsReinit) {
      throw new IllegalStateException(
          "after encrypting, init again with a new nonce: a nonce is used for one message only");
    }
  }

  @Override
  protected void engineUpdateAAD(byte[] src, int offset, int len) {
    checkReady();
    if (dataSeen) {
      throw new IllegalStateException("associated data must come before the data");
    }
    if (aad.length < aadLength + len) {
      aad = Arrays.copyOf(aad, Math.max(2 * aad.length, aadLength + len));
    }
    System.arraycopy(src, offset, aad, aadLength, len);
    aadLength += len;
  }

  @Override
  protected void engineUpdateAAD(java.nio.ByteBuffer src) {
    byte[] b = new byte[src.remaining()];
    src.get(b);
    engineUpdateAAD(b, 0, b.length);
  }

  @Override
  protected byte[] engineUpdate(byte[] input, int offset, int len) {
    checkReady();
    append(input, offset, len);
    return new byte[0];
  }

  @Override
  protected int engineUpdate(byte[] input, int offset, int len, byte[] output, int outputOffset) {
    checkReady();
    append(input, offset, len);
    return 0;
  }

  private void append(byte[] input, int offset, int len) {
    if (len <= 0) {
      return;
    }
    dataSeen = true;
    if ((long) bufferLength + len > Integer.MAX_VALUE - 64) {
      throw new IllegalStateException("ChaCha20-Poly1305 input is limited to 2 GiB per message");
    }
    if (buffer.length < bufferLength + len) {
      int wanted =
          (int) Math.min(Integer.MAX_VALUE - 64, Math.max(2L * buffer.length, bufferLength + len));
      byte[] bigger = Arrays.copyOf(buffer, wanted);
      Arrays.fill(buffer, (byte) 0);
      buffer = bigger;
    }
    System.arraycopy(input, offset, buffer, bufferLength, len);
    bufferLength += len;
  }

  @Override
  protected byte[] engineDoFinal(byte[] input, int offset, int len)
      throws IllegalBlockSizeException, BadPaddingException {
    checkReady();
    append(input, offset, len);
    byte[] out = new byte[engineGetOutputSize(0)];
    try {
      finish(out, 0);
    } catch (ShortBufferException e) {
      throw new AssertionError(e);
    }
    return out;
  }

  @Override
  protected int engineDoFinal(byte[] input, int offset, int len, byte[] output, int outputOffset)
      throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
    checkReady();
    int needed = engineGetOutputSize(len);
    if (output.length - outputOffset < needed) {
      throw new ShortBufferException("output needs " + needed + " bytes");
    }
    append(input, offset, len);
    return finish(output, outputOffset);
  }

  private int finish(byte[] out, int outOffset) throws ShortBufferException, BadPaddingException {
    try {
      if (mode == Cipher.ENCRYPT_MODE) {
        int n = aead.seal(nonce, aad, 0, aadLength, buffer, 0, bufferLength, out, outOffset);
        needsReinit = true;
        return n;
      }
      if (bufferLength < AeadCipher.TAG_LENGTH) {
        throw new javax.crypto.AEADBadTagException(
            "input of " + bufferLength + " bytes is shorter than the 16-byte tag");
      }
      return aead.open(nonce, aad, 0, aadLength, buffer, 0, bufferLength, out, outOffset);
    } catch (BadPaddingException | ShortBufferException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 failed: " + e.getMessage(), e);
    } finally {
      reset();
    }
  }
}
