package io.agentwire.provider.hpke.internal;

import io.agentwire.provider.hpke.HpkeException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * P-256, P-384 or P-521: ECDH through the JDK's {@code KeyAgreement "ECDH"} (SunEC), public keys as
 * uncompressed SEC1 points, private keys as big-endian scalars of Nsk bytes. Public keys are
 * validated (RFC 9180 §7.1.4: on the curve, not the identity) before they reach the JDK; pk(sk),
 * which the JDK does not offer, is BouncyCastle's fixed-point comb multiplication.
 */
final class EcGroup implements DhGroup {

  private final String jdkName;
  private final int fieldLength;
  private final int bitmask;
  private final ECParameterSpec jdkParams;
  private final X9ECParameters bcParams;
  private final BigInteger order;

  EcGroup(String jdkName, String bcName, int fieldLength, int bitmask) {
    this.jdkName = jdkName;
    this.fieldLength = fieldLength;
    this.bitmask = bitmask;
    try {
      AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
      ap.init(new ECGenParameterSpec(jdkName));
      this.jdkParams = ap.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks curve " + jdkName, e);
    }
    this.bcParams = CustomNamedCurves.getByName(bcName);
    this.order = jdkParams.getOrder();
  }

  @Override
  public byte[] dh(byte[] privateKey, byte[] publicKey) throws HpkeException {
    BigInteger d = scalar(privateKey);
    org.bouncycastle.math.ec.ECPoint q = decode(publicKey);
    try {
      KeyFactory kf = KeyFactory.getInstance("EC");
      PrivateKey sk = kf.generatePrivate(new ECPrivateKeySpec(d, jdkParams));
      PublicKey pk =
          kf.generatePublic(
              new ECPublicKeySpec(
                  new ECPoint(
                      q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                  jdkParams));
      KeyAgreement ka = KeyAgreement.getInstance("ECDH");
      ka.init(sk);
      ka.doPhase(pk, true);
      byte[] z = ka.generateSecret();
      if (z.length == fieldLength) {
        return z;
      }
      byte[] padded = new byte[fieldLength];
      System.arraycopy(z, 0, padded, fieldLength - z.length, z.length);
      Arrays.fill(z, (byte) 0);
      return padded;
    } catch (GeneralSecurityException e) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_KEY, "ECDH on " + jdkName + " failed", e);
    }
  }

  @Override
  public byte[] publicKey(byte[] privateKey) throws HpkeException {
    BigInteger d = scalar(privateKey);
    return new FixedPointCombMultiplier()
        .multiply(bcParams.getG(), d)
        .normalize()
        .getEncoded(false);
  }

  @Override
  public void validatePublicKey(byte[] publicKey) throws HpkeException {
    decode(publicKey);
  }

  private org.bouncycastle.math.ec.ECPoint decode(byte[] publicKey) throws HpkeException {
    if (publicKey.length != 1 + 2 * fieldLength || publicKey[0] != 0x04) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_KEY,
          "a "
              + jdkName
              + " public key is an uncompressed point of "
              + (1 + 2 * fieldLength)
              + " bytes");
    }
    try {
      // decodePoint checks that the coordinates are field elements and the point is on the curve.
      org.bouncycastle.math.ec.ECPoint p = bcParams.getCurve().decodePoint(publicKey);
      if (p.isInfinity() || !p.isValid()) {
        throw new IllegalArgumentException("invalid point");
      }
      return p;
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_KEY, "the public key is not a point on " + jdkName);
    }
  }

  private BigInteger scalar(byte[] privateKey) throws HpkeException {
    if (privateKey.length != fieldLength) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_PRIVATE_KEY,
          "a " + jdkName + " private key has " + fieldLength + " bytes, not " + privateKey.length);
    }
    BigInteger d = new BigInteger(1, privateKey);
    if (d.signum() == 0 || d.compareTo(order) >= 0) {
      throw new HpkeException(
          HpkeException.Reason.INVALID_PRIVATE_KEY, "the private key is not in [1, n-1]");
    }
    return d;
  }

  @Override
  public byte[] derivePrivateKey(Hkdf kdf, byte[] suiteId, byte[] dkpPrk) throws HpkeException {
    for (int counter = 0; counter < 256; counter++) {
      byte[] bytes =
          kdf.labeledExpand(dkpPrk, suiteId, "candidate", new byte[] {(byte) counter}, fieldLength);
      bytes[0] &= (byte) bitmask;
      BigInteger d = new BigInteger(1, bytes);
      if (d.signum() != 0 && d.compareTo(order) < 0) {
        return bytes;
      }
      Arrays.fill(bytes, (byte) 0);
    }
    throw new HpkeException(
        HpkeException.Reason.DERIVE_KEY_PAIR_FAILED,
        "no candidate was a valid " + jdkName + " key");
  }
}
