package io.agentwire.provider.xec;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.xec.internal.XecKeys;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.InvalidKeySpecException;
import java.util.Objects;

/**
 * Converts X25519 and X448 keys (RFC 7748) between their raw encodings (32 and 56 bytes, the
 * little-endian u-coordinate of a public key, the scalar of a private key) and JCA keys, for code
 * that speaks a wire format with raw keys: Noise, the Double Ratchet, X3DH, the socket factory.
 *
 * <p>Keys come only from the validating factories {@link #publicKey} and {@link #privateKey}; they
 * are the provider's own {@link java.security.interfaces.XECPublicKey} and {@link
 * java.security.interfaces.XECPrivateKey}, with the X.509 SubjectPublicKeyInfo and PKCS#8 encodings
 * of RFC 8410, so SunEC and any other provider accept them. In the other direction, keys from any
 * provider are read: an {@code XECPublicKey}/{@code XECPrivateKey}, or failing that the key's X.509
 * or PKCS#8 encoding. The secret scalar leaves a private key only through {@link
 * #exportPrivateScalar}, whose name says what it hands out.
 *
 * <p>Every method checks lengths, curves and encodings and fails with an {@link
 * InvalidKeySpecException} (bytes in) or {@link InvalidKeyException} (a key in) that says why;
 * {@code curve} must be {@link Primitive#X25519} or {@link Primitive#X448}, else {@link
 * IllegalArgumentException}. Arrays passed in and handed out are copies.
 *
 * <p>Stateless, and the keys it makes are immutable (a private key until it is destroyed), so it is
 * safe to use from any number of threads.
 */
public final class XecKeyCodec {

  private XecKeyCodec() {}

  /**
   * A public key on {@code curve} over its raw RFC 7748 encoding. The bytes are kept as given: an
   * X25519 key with bit 255 set keeps that bit in its encodings, while {@code getU()} masks it, as
   * RFC 7748 section 5 decodes it.
   *
   * @throws InvalidKeySpecException if {@code raw} is not {@code curve}'s key length
   */
  public static PublicKey publicKey(Primitive curve, byte[] raw) throws InvalidKeySpecException {
    Primitive c = requireCurve(curve);
    Objects.requireNonNull(raw, "raw");
    try {
      return XecKeys.publicKey(c, raw);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeySpecException(e.getMessage(), e);
    }
  }

  /**
   * A private key on {@code curve} over its raw scalar (copied; the caller may wipe {@code
   * scalar}). Destroying the key wipes its copy.
   *
   * @throws InvalidKeySpecException if {@code scalar} is not {@code curve}'s key length
   */
  public static PrivateKey privateKey(Primitive curve, byte[] scalar)
      throws InvalidKeySpecException {
    Primitive c = requireCurve(curve);
    Objects.requireNonNull(scalar, "scalar");
    try {
      return XecKeys.privateKey(c, scalar);
    } catch (IllegalArgumentException e) {
      throw new InvalidKeySpecException(e.getMessage(), e);
    }
  }

  /**
   * The raw RFC 7748 encoding of any provider's public key on {@code curve}. AgentWire's keys give
   * the bytes they were made from; another provider's {@code XECPublicKey} gives the encoding of
   * its {@code getU()} (the JDK clears bit 255 of an X25519 u there); any other key its X.509
   * encoding's key bytes.
   *
   * @throws InvalidKeyException if {@code key} is null, not an XDH public key, or on another curve
   */
  public static byte[] rawPublicKey(PublicKey key, Primitive curve) throws InvalidKeyException {
    return XecKeys.rawPublic(key, requireCurve(curve));
  }

  /**
   * The raw public key of a private key on {@code curve}: remembered by AgentWire's keys, computed
   * from the scalar for another provider's.
   *
   * @throws InvalidKeyException as {@link #exportPrivateScalar} does
   */
  public static byte[] rawPublicKeyOf(PrivateKey key, Primitive curve) throws InvalidKeyException {
    return XecKeys.rawPublicOf(key, requireCurve(curve));
  }

  /**
   * The raw public key of an X.509 SubjectPublicKeyInfo (RFC 8410) of either curve, exactly as it
   * is encoded (every bit of it, bit 255 of an X25519 key included): 32 bytes for X25519, 56 for
   * X448. Only the canonical DER encoding, without algorithm parameters, is accepted.
   *
   * @throws InvalidKeySpecException if {@code spki} is null, malformed, or not an X25519 or X448
   *     key
   */
  public static byte[] rawPublicKeyFromX509(byte[] spki) throws InvalidKeySpecException {
    return XecKeys.rawPublicFromX509(spki);
  }

  /**
   * A copy of the secret scalar of any provider's private key on {@code curve} (an {@code
   * XECPrivateKey} that exposes it, or a PKCS#8 encoding). The caller owns the copy and wipes it
   * after use.
   *
   * @throws InvalidKeyException if {@code key} is null, not an XDH private key, on another curve,
   *     or does not expose its scalar
   * @throws IllegalStateException if {@code key} is an AgentWire key that was destroyed
   */
  public static byte[] exportPrivateScalar(PrivateKey key, Primitive curve)
      throws InvalidKeyException {
    return XecKeys.rawPrivate(key, requireCurve(curve));
  }

  private static Primitive requireCurve(Primitive curve) {
    if (Objects.requireNonNull(curve, "curve") != Primitive.X25519 && curve != Primitive.X448) {
      throw new IllegalArgumentException("expected X25519 or X448, got " + curve);
    }
    return curve;
  }
}
