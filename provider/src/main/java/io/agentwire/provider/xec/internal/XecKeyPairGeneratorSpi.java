package io.agentwire.provider.xec.internal;

import io.agentwire.provider.backend.DhFunction;
import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/** KeyPairGenerator for X25519, X448 and XDH (which defaults to X25519). */
public final class XecKeyPairGeneratorSpi extends KeyPairGeneratorSpi {

  private Primitive curve;
  private final boolean fixed;
  private SecureRandom random;

  public XecKeyPairGeneratorSpi(Primitive curve, boolean fixed) {
    this.curve = curve;
    this.fixed = fixed;
  }

  @Override
  public void initialize(int keysize, SecureRandom random) {
    Primitive wanted = keysize == 255 ? Primitive.X25519 : keysize == 448 ? Primitive.X448 : null;
    if (wanted == null || (fixed && wanted != curve)) {
      throw new InvalidParameterException("unsupported key size " + keysize + " for " + curve);
    }
    curve = wanted;
    this.random = random;
  }

  @Override
  public void initialize(AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidAlgorithmParameterException {
    Primitive wanted = params instanceof NamedParameterSpec ? XecKeys.curveOf(params) : null;
    if (wanted == null || (fixed && wanted != curve)) {
      throw new InvalidAlgorithmParameterException(
          "expected NamedParameterSpec." + (fixed ? curve : "X25519 or X448") + ", got " + params);
    }
    curve = wanted;
    this.random = random;
  }

  @Override
  public KeyPair generateKeyPair() {
    byte[] priv = new byte[curve.length()];
    if (random != null) {
      random.nextBytes(priv);
    } else {
      Backends.randomBytes(priv);
    }
    DhFunction dh = Backends.dh(curve);
    byte[] pub = new byte[curve.length()];
    dh.publicKey(priv, pub);
    KeyPair pair = new KeyPair(XecKeys.publicKey(curve, pub), XecKeys.privateKey(curve, priv, pub));
    Arrays.fill(priv, (byte) 0);
    return pair;
  }
}
