package io.agentwire.provider.xec.internal;

import io.agentwire.provider.backend.Primitive;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactorySpi;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;

/**
 * KeyFactory for X25519 and X448 (and XDH, either curve): {@link XECPublicKeySpec}, {@link
 * XECPrivateKeySpec}, X.509 and PKCS#8 (RFC 8410), and translation of other providers' keys.
 */
public final class XecKeyFactorySpi extends KeyFactorySpi {

  /** The curve this factory is limited to, or null for XDH (either). */
  private final Primitive curve;

  public XecKeyFactorySpi(Primitive curve) {
    this.curve = curve;
  }

  private Primitive check(Primitive actual) throws InvalidKeySpecException {
    if (actual == null || (curve != null && actual != curve)) {
      throw new InvalidKeySpecException(
          "expected a "
              + (curve == null ? "X25519 or X448" : curve)
              + " key, got "
              + (actual == null ? "another curve" : actual));
    }
    return actual;
  }

  @Override
  protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
    if (spec instanceof XECPublicKeySpec) {
      XECPublicKeySpec s = (XECPublicKeySpec) spec;
      Primitive c = check(XecKeys.curveOf(s.getParams()));
      try {
        return XecKeys.publicKey(c, XecKeys.encodeU(s.getU(), c));
      } catch (InvalidKeyException e) {
        throw new InvalidKeySpecException(e.getMessage(), e);
      }
    }
    if (spec instanceof X509EncodedKeySpec) {
      XecKeys.PublicKeyImpl key = XecKeys.decodeX509(((X509EncodedKeySpec) spec).getEncoded());
      check(key.curve);
      return key;
    }
    throw new InvalidKeySpecException(
        "unsupported key spec "
            + (spec == null ? "null" : spec.getClass().getName())
            + "; use XECPublicKeySpec or X509EncodedKeySpec");
  }

  @Override
  protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
    if (spec instanceof XECPrivateKeySpec) {
      XECPrivateKeySpec s = (XECPrivateKeySpec) spec;
      Primitive c = check(XecKeys.curveOf(s.getParams()));
      byte[] scalar = s.getScalar();
      try {
        if (scalar.length != c.length()) {
          throw new InvalidKeySpecException(
              c + " private key must be " + c.length() + " bytes, got " + scalar.length);
        }
        return XecKeys.privateKey(c, scalar);
      } finally {
        Arrays.fill(scalar, (byte) 0);
      }
    }
    if (spec instanceof PKCS8EncodedKeySpec) {
      byte[] encoded = ((PKCS8EncodedKeySpec) spec).getEncoded();
      try {
        XecKeys.PrivateKeyImpl key = XecKeys.decodePkcs8(encoded);
        check(key.curve);
        return key;
      } finally {
        Arrays.fill(encoded, (byte) 0);
      }
    }
    throw new InvalidKeySpecException(
        "unsupported key spec "
            + (spec == null ? "null" : spec.getClass().getName())
            + "; use XECPrivateKeySpec or PKCS8EncodedKeySpec");
  }

  @Override
  protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> specClass)
      throws InvalidKeySpecException {
    Key k;
    try {
      k = engineTranslateKey(key);
    } catch (InvalidKeyException e) {
      throw new InvalidKeySpecException(e.getMessage(), e);
    }
    if (k instanceof XecKeys.PublicKeyImpl) {
      XecKeys.PublicKeyImpl p = (XecKeys.PublicKeyImpl) k;
      if (specClass.isAssignableFrom(XECPublicKeySpec.class)) {
        return specClass.cast(new XECPublicKeySpec(p.getParams(), p.getU()));
      }
      if (specClass.isAssignableFrom(X509EncodedKeySpec.class)) {
        return specClass.cast(new X509EncodedKeySpec(p.getEncoded()));
      }
    } else {
      XecKeys.PrivateKeyImpl p = (XecKeys.PrivateKeyImpl) k;
      if (specClass.isAssignableFrom(XECPrivateKeySpec.class)) {
        byte[] raw = p.rawCopy();
        try {
          return specClass.cast(new XECPrivateKeySpec(p.getParams(), raw));
        } finally {
          Arrays.fill(raw, (byte) 0);
        }
      }
      if (specClass.isAssignableFrom(PKCS8EncodedKeySpec.class)) {
        return specClass.cast(new PKCS8EncodedKeySpec(p.getEncoded()));
      }
    }
    throw new InvalidKeySpecException("cannot express this key as " + specClass.getName());
  }

  @Override
  protected Key engineTranslateKey(Key key) throws InvalidKeyException {
    if (key instanceof XecKeys.PublicKeyImpl || key instanceof XecKeys.PrivateKeyImpl) {
      return key;
    }
    Primitive c = curveOfAny(key);
    if (key instanceof PublicKey) {
      return XecKeys.publicKey(c, XecKeys.rawPublic(key, c));
    }
    if (key instanceof PrivateKey) {
      byte[] raw = XecKeys.rawPrivate(key, c);
      try {
        return XecKeys.privateKey(c, raw);
      } finally {
        Arrays.fill(raw, (byte) 0);
      }
    }
    throw new InvalidKeyException("not an XDH key: " + (key == null ? "null" : key.getClass()));
  }

  private Primitive curveOfAny(Key key) throws InvalidKeyException {
    Primitive c = null;
    if (key instanceof XECPublicKey) {
      c = XecKeys.curveOf(((XECPublicKey) key).getParams());
    } else if (key instanceof XECPrivateKey) {
      c = XecKeys.curveOf(((XECPrivateKey) key).getParams());
    } else if (key != null && key.getEncoded() != null) {
      try {
        c =
            key instanceof PublicKey
                ? XecKeys.decodeX509(key.getEncoded()).curve
                : XecKeys.decodePkcs8(key.getEncoded()).curve;
      } catch (InvalidKeySpecException e) {
        throw new InvalidKeyException(e.getMessage(), e);
      }
    }
    if (c == null || (curve != null && c != curve)) {
      throw new InvalidKeyException("expected a " + (curve == null ? "XDH" : curve) + " key");
    }
    return c;
  }
}
