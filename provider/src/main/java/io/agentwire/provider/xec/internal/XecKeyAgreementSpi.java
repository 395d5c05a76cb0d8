package io.agentwire.provider.xec.internal;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.XECKey;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * KeyAgreement for X25519 and X448 (RFC 7748), accepting keys from any provider. A public key of
 * small order (all-zero shared secret) is refused in {@code doPhase}, as SunEC does.
 */
public final class XecKeyAgreementSpi extends KeyAgreementSpi {

  private final Primitive fixedCurve;
  private Primitive curve;
  private byte[] privateKey;
  private byte[] secret;

  public XecKeyAgreementSpi(Primitive fixedCurve) {
    this.fixedCurve = fixedCurve;
  }

  @Override
  protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
    Primitive c = fixedCurve;
    if (c == null) {
      c = key instanceof XECKey ? XecKeys.curveOf(((XECKey) key).getParams()) : null;
      if (c == null) {
        throw new InvalidKeyException("XDH needs an X25519 or X448 private key");
      }
    }
    byte[] raw = XecKeys.rawPrivate(key, c);
    wipe();
    curve = c;
    privateKey = raw;
  }

  @Override
  protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params != null) {
      Primitive wanted = XecKeys.curveOf(params);
      Primitive actual =
          fixedCurve != null
              ? fixedCurve
              : key instanceof XECKey ? XecKeys.curveOf(((XECKey) key).getParams()) : null;
      if (wanted == null || wanted != actual) {
        throw new InvalidAlgorithmParameterException("parameters do not match the key's curve");
      }
    }
    engineInit(key, random);
  }

  @Override
  protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
    if (privateKey == null) {
      throw new IllegalStateException("KeyAgreement not initialized");
    }
    if (!lastPhase) {
      throw new IllegalStateException("XDH has a single phase; pass lastPhase = true");
    }
    byte[] pub = XecKeys.rawPublic(key, curve);
    byte[] out = new byte[curve.length()];
    Backends.dh(curve).agree(privateKey, pub, out);
    secret = out;
    return null;
  }

  @Override
  protected byte[] engineGenerateSecret() {
    if (secret == null) {
      throw new IllegalStateException("doPhase must come before generateSecret");
    }
    byte[] r = secret;
    secret = null;
    return r;
  }

  @Override
  protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws ShortBufferException {
    if (secret == null) {
      throw new IllegalStateException("doPhase must come before generateSecret");
    }
    if (sharedSecret.length - offset < secret.length) {
      throw new ShortBufferException("need " + secret.length + " bytes");
    }
    byte[] r = engineGenerateSecret();
    System.arraycopy(r, 0, sharedSecret, offset, r.length);
    Arrays.fill(r, (byte) 0);
    return r.length;
  }

  @Override
  protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
    // As SunEC: the raw X25519 output is not uniformly random, so it is no cipher key. Only TLS
    // asks for it by name; everyone else takes the bytes and runs a KDF.
    if (algorithm == null || !algorithm.equalsIgnoreCase("TlsPremasterSecret")) {
      throw new NoSuchAlgorithmException(
          "XDH output is not a key for "
              + algorithm
              + "; derive one with a KDF from generateSecret()");
    }
    byte[] r = engineGenerateSecret();
    try {
      return new SecretKeySpec(r, algorithm);
    } finally {
      Arrays.fill(r, (byte) 0);
    }
  }

  private void wipe() {
    if (privateKey != null) {
      Arrays.fill(privateKey, (byte) 0);
    }
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
    secret = null;
  }
}
