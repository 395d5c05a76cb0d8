package io.agentwire.provider.xec.internal;

import io.agentwire.provider.backend.internal.Backends;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519Field;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * XEdDSA over Curve25519: Ed25519-style signatures made and checked with X25519 (Montgomery) keys,
 * as specified in section 3 of Signal's "The XEdDSA and VXEdDSA Signature Schemes" (revision 1,
 * 2016-10-20), with {@code calculate_key_pair} of section 2.3. X3DH signs its prekeys this way.
 *
 * <h2>Signature encoding</h2>
 *
 * <p>Signatures are {@code R || s}, 64 bytes. Two encodings are in use:
 *
 * <ul>
 *   <li><b>XEdDSA proper</b> (the specification, and what {@link #sign} produces): the signer
 *       negates its scalar when the Edwards point {@code E = kB} has an odd x, so the public point
 *       {@code A} always has sign bit 0 and is recovered from the Montgomery u alone; bit 255 of
 *       the signature (the top bit of {@code s}) is 0.
 *   <li><b>curve25519-java 0.5.0 and libsignal</b> (found by testing against curve25519-java 0.5.0
 *       and reading its bytecode): the signer keeps {@code k} unnegated, so {@code A = kB} may have
 *       an odd x, and stores A's sign bit in bit 255 of the signature; its verifier takes that bit
 *       as A's sign, clears it, and runs an Ed25519 verification.
 * </ul>
 *
 * <p>{@link #verify} accepts both: it reads bit 255 of the signature as the sign of {@code A}, as
 * curve25519-java does. For a proper XEdDSA signature that bit is 0, which is exactly the
 * specification's {@code convert_mont}, so (1) our signatures verify under curve25519-java, (2) we
 * verify curve25519-java's, and (3) we verify any specification-conformant signer's. Accepting a
 * set bit 255 lets nobody but the key's owner sign: with the bit set, the signature is checked
 * against {@code -A}, whose discrete log is {@code -a}, as unknown to a forger as {@code a}. Beyond
 * the specification, the remaining 255 bits of {@code s} must be below q (the specification only
 * asks below 2<sup>253</sup>), so {@code s + q} is not a second valid signature; honest signers
 * always reduce {@code s}.
 *
 * <h2>Side channels</h2>
 *
 * <p>Everything that touches the private scalar or the nonce runs in time independent of their
 * values: field arithmetic is BouncyCastle's {@link X25519Field} (constant-time inversion
 * included), the base-point multiplication is double-and-always-add selecting with masks, and
 * scalar arithmetic modulo q uses 21-bit limbs in longs with arithmetic-shift carries and masked
 * selection; no {@link java.math.BigInteger}. Verification handles public data only and delegates
 * the final Ed25519 equation to BouncyCastle's {@link Ed25519#verify}, which rejects non-canonical
 * R, s &ge; q and invalid or small-order public points. Temporary secret arrays are wiped.
 *
 * <p>Stateless and thread-safe.
 */
public final class XEdDsa {

  /** Bytes of an X25519 key. */
  public static final int KEY_LENGTH = 32;

  /** Bytes of a signature. */
  public static final int SIGNATURE_LENGTH = 64;

  /** Bytes of the fresh randomness {@code Z} each signature needs. */
  public static final int RANDOM_LENGTH = 64;

  private XEdDsa() {}

  /**
   * Signs {@code message} with an X25519 private key (any 32 bytes; clamped here as X25519 does, so
   * the signature verifies under the key's X25519 public key).
   *
   * @param x25519PrivateKey the 32-byte private key, unchanged
   * @param random 64 fresh random bytes ({@code Z} of the specification)
   * @return the 64-byte signature {@code R || s}, with bit 255 clear
   * @throws IllegalArgumentException if a length is wrong
   */
  public static byte[] sign(byte[] x25519PrivateKey, byte[] message, byte[] random) {
    requireLength("private key", x25519PrivateKey, KEY_LENGTH);
    requireLength("random", random, RANDOM_LENGTH);
    if (message == null) {
      throw new IllegalArgumentException("message is null");
    }
    byte[] k = clamp(x25519PrivateKey);
    byte[] publicPoint = scalarMultBase(k);
    // calculate_key_pair: A is E with its sign forced to 0, so a is -k when E's x is odd.
    int signOfE = (publicPoint[31] >>> 7) & 1;
    publicPoint[31] &= 0x7f;
    byte[] kWide = Arrays.copyOf(k, 64);
    byte[] kModQ = reduce(kWide);
    byte[] minusK = mulAdd(ORDER_MINUS_ONE, kModQ, ZERO);
    byte[] a = select(signOfE, minusK, kModQ);
    byte[] nonceHash = null;
    byte[] r = null;
    byte[] challengeHash = null;
    try {
      MessageDigest sha512 = sha512();
      sha512.update(HASH1_PREFIX);
      sha512.update(a);
      sha512.update(message);
      sha512.update(random);
      nonceHash = sha512.digest();
      r = reduce(nonceHash);
      byte[] bigR = scalarMultBase(r);
      sha512.update(bigR);
      sha512.update(publicPoint);
      sha512.update(message);
      challengeHash = sha512.digest();
      byte[] h = reduce(challengeHash);
      byte[] s = mulAdd(h, a, r);
      byte[] signature = Arrays.copyOf(bigR, SIGNATURE_LENGTH);
      System.arraycopy(s, 0, signature, 32, 32);
      return signature;
    } finally {
      wipe(k, kWide, kModQ, minusK, a, nonceHash, r, challengeHash);
    }
  }

  /**
   * {@link #sign(byte[], byte[], byte[])} with 64 fresh bytes {@code Z} from {@code random}, or
   * from the provider's random source when {@code random} is null; {@code Z} is wiped afterwards.
   *
   * @throws IllegalArgumentException if a length is wrong
   */
  public static byte[] sign(byte[] x25519PrivateKey, byte[] message, SecureRandom random) {
    byte[] z = new byte[RANDOM_LENGTH];
    try {
      if (random != null) {
        random.nextBytes(z);
      } else {
        Backends.randomBytes(z);
      }
      return sign(x25519PrivateKey, message, z);
    } finally {
      Arrays.fill(z, (byte) 0);
    }
  }

  /**
   * Checks a signature made by {@link #sign}, by curve25519-java or libsignal, or by any XEdDSA
   * signer (see the class comment for the encodings).
   *
   * @param x25519PublicKey the 32-byte Montgomery u; values &ge; 2<sup>255</sup> - 19 are refused
   * @return whether the signature is valid
   * @throws IllegalArgumentException if a length is wrong
   */
  public static boolean verify(byte[] x25519PublicKey, byte[] message, byte[] signature) {
    requireLength("public key", x25519PublicKey, KEY_LENGTH);
    requireLength("signature", signature, SIGNATURE_LENGTH);
    if (message == null) {
      throw new IllegalArgumentException("message is null");
    }
    if (!isCanonicalFieldElement(x25519PublicKey)) {
      return false;
    }
    byte[] edwardsPublicKey = edwardsY(x25519PublicKey);
    edwardsPublicKey[31] |= (byte) (signature[63] & 0x80);
    byte[] ed25519Signature = signature.clone();
    ed25519Signature[63] &= 0x7f;
    return Ed25519.verify(ed25519Signature, 0, edwardsPublicKey, 0, message, 0, message.length);
  }

  /**
   * Refuses a signature of the wrong length as the JCA does.
   *
   * @throws SignatureException if {@code signature} is null or not {@link #SIGNATURE_LENGTH} bytes
   */
  public static void requireSignatureLength(byte[] signature) throws SignatureException {
    if (signature == null || signature.length != SIGNATURE_LENGTH) {
      throw new SignatureException(
          "an XEdDSA signature is "
              + SIGNATURE_LENGTH
              + " bytes, got "
              + (signature == null ? "null" : signature.length));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Hashing and helpers

  /** hash_1's prefix: 2^256 - 1 - 1 as 32 little-endian bytes, separating nonce derivation. */
  private static final byte[] HASH1_PREFIX = hash1Prefix();

  private static byte[] hash1Prefix() {
    byte[] prefix = new byte[32];
    Arrays.fill(prefix, (byte) 0xff);
    prefix[0] = (byte) 0xfe;
    return prefix;
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }

  private static void requireLength(String what, byte[] value, int length) {
    if (value == null || value.length != length) {
      throw new IllegalArgumentException(
          what + " must be " + length + " bytes, got " + (value == null ? "null" : value.length));
    }
  }

  /** RFC 7748 decodeScalar25519: the private key as X25519 uses it. */
  static byte[] clamp(byte[] privateKey) {
    byte[] k = privateKey.clone();
    k[0] &= (byte) 0xf8;
    k[31] &= 0x7f;
    k[31] |= 0x40;
    return k;
  }

  /** {@code bit == 1 ? ifOne : ifZero}, without branching on the bit. */
  private static byte[] select(int bit, byte[] ifOne, byte[] ifZero) {
    int mask = -bit;
    byte[] out = new byte[ifZero.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (ifZero[i] ^ ((ifZero[i] ^ ifOne[i]) & mask));
    }
    return out;
  }

  private static void wipe(byte[]... arrays) {
    for (byte[] a : arrays) {
      if (a != null) {
        Arrays.fill(a, (byte) 0);
      }
    }
  }

  private static final byte[] FIELD_PRIME =
      XecKeys.hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");

  /** Whether a little-endian 32-byte value is below p = 2^255 - 19 (public data: may branch). */
  static boolean isCanonicalFieldElement(byte[] value) {
    for (int i = 31; i >= 0; i--) {
      int v = value[i] & 0xff;
      int p = FIELD_PRIME[i] & 0xff;
      if (v != p) {
        return v < p;
      }
    }
    return false;
  }

  /**
   * The birational map from Curve25519 to edwards25519: y = (u - 1) / (u + 1), encoded with sign
   * bit 0. Where u + 1 = 0 the inverse is taken as 0, as the specification's inverse (x^(p-2))
   * does.
   */
  static byte[] edwardsY(byte[] u) {
    int[] fu = X25519Field.create();
    X25519Field.decode(u, 0, fu);
    int[] numerator = X25519Field.create();
    int[] denominator = X25519Field.create();
    X25519Field.copy(fu, 0, numerator, 0);
    X25519Field.subOne(numerator);
    X25519Field.copy(fu, 0, denominator, 0);
    X25519Field.addOne(denominator);
    int[] inverse = X25519Field.create();
    X25519Field.inv(denominator, inverse);
    int[] y = X25519Field.create();
    X25519Field.mul(numerator, inverse, y);
    X25519Field.normalize(y);
    byte[] out = new byte[32];
    X25519Field.encode(y, out, 0);
    return out;
  }

  // -----------------------------------------------------------------------------------------------
  // The group: edwards25519, -x^2 + y^2 = 1 + d x^2 y^2, in extended coordinates (X : Y : Z : T)
  // with x = X/Z, y = Y/Z, xy = T/Z. The addition law (RFC 8032 section 5.1.4, "add-2008-hwcd-3")
  // is complete on this curve, so the ladder below needs no special cases for the neutral element.

  /** A point in extended coordinates; each coordinate is an {@link X25519Field} element. */
  private static final class Point {
    final int[] x = X25519Field.create();
    final int[] y = X25519Field.create();
    final int[] z = X25519Field.create();
    final int[] t = X25519Field.create();

    static Point neutral() {
      Point p = new Point();
      X25519Field.one(p.y);
      X25519Field.one(p.z);
      return p;
    }

    /** this = other if mask is -1, unchanged if mask is 0. */
    void cmov(int mask, Point other) {
      X25519Field.cmov(mask, other.x, 0, x, 0);
      X25519Field.cmov(mask, other.y, 0, y, 0);
      X25519Field.cmov(mask, other.z, 0, z, 0);
      X25519Field.cmov(mask, other.t, 0, t, 0);
    }

    void wipe() {
      X25519Field.zero(x);
      X25519Field.zero(y);
      X25519Field.zero(z);
      X25519Field.zero(t);
    }
  }

  /** 2d, with d = -121665/121666 the curve constant. */
  private static final int[] TWO_D;

  /** The base point B: y = 4/5 and x even (RFC 8032 section 5.1). */
  private static final Point BASE;

  static {
    int[] d = X25519Field.create();
    X25519Field.inv(smallFieldElement(121666), d);
    X25519Field.mul(d, 121665, d);
    X25519Field.negate(d, d);
    X25519Field.carry(d);
    TWO_D = X25519Field.create();
    X25519Field.add(d, d, TWO_D);
    X25519Field.carry(TWO_D);

    BASE = new Point();
    int[] y = X25519Field.create();
    X25519Field.inv(smallFieldElement(5), y);
    X25519Field.mul(y, 4, y);
    X25519Field.normalize(y);
    // x^2 = (y^2 - 1) / (d y^2 + 1)
    int[] ySquared = X25519Field.create();
    X25519Field.sqr(y, ySquared);
    int[] numerator = X25519Field.create();
    X25519Field.copy(ySquared, 0, numerator, 0);
    X25519Field.subOne(numerator);
    int[] denominator = X25519Field.create();
    X25519Field.mul(ySquared, d, denominator);
    X25519Field.addOne(denominator);
    int[] x = X25519Field.create();
    if (!X25519Field.sqrtRatioVar(numerator, denominator, x)) {
      throw new ExceptionInInitializerError("4/5 is not the y of a point: broken field code");
    }
    X25519Field.normalize(x);
    byte[] xBytes = new byte[32];
    X25519Field.encode(x, xBytes, 0);
    X25519Field.cnegate(xBytes[0] & 1, x);
    X25519Field.normalize(x);
    X25519Field.copy(x, 0, BASE.x, 0);
    X25519Field.copy(y, 0, BASE.y, 0);
    X25519Field.one(BASE.z);
    X25519Field.mul(x, y, BASE.t);
  }

  private static int[] smallFieldElement(int value) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) value;
    bytes[1] = (byte) (value >>> 8);
    bytes[2] = (byte) (value >>> 16);
    int[] f = X25519Field.create();
    X25519Field.decode(bytes, 0, f);
    return f;
  }

  /** r = p + q, complete; r may be p or q. */
  private static void add(Point p, Point q, Point r) {
    int[] a = X25519Field.create();
    int[] b = X25519Field.create();
    int[] c = X25519Field.create();
    int[] d = X25519Field.create();
    int[] t1 = X25519Field.create();
    int[] t2 = X25519Field.create();
    X25519Field.sub(p.y, p.x, t1);
    X25519Field.sub(q.y, q.x, t2);
    X25519Field.mul(t1, t2, a); // A = (Y1 - X1)(Y2 - X2)
    X25519Field.add(p.y, p.x, t1);
    X25519Field.add(q.y, q.x, t2);
    X25519Field.mul(t1, t2, b); // B = (Y1 + X1)(Y2 + X2)
    X25519Field.mul(p.t, q.t, c);
    X25519Field.mul(c, TWO_D, c); // C = T1 2d T2
    X25519Field.mul(p.z, q.z, d);
    X25519Field.add(d, d, d); // D = 2 Z1 Z2
    finish(b, a, d, c, r); // E = B - A, F = D - C, G = D + C, H = B + A
  }

  /** r = 2p (RFC 8032 section 5.1.4 doubling); r may be p. */
  private static void twice(Point p, Point r) {
    int[] a = X25519Field.create();
    int[] b = X25519Field.create();
    int[] c = X25519Field.create();
    int[] xPlusYSquared = X25519Field.create();
    X25519Field.sqr(p.x, a); // A = X1^2
    X25519Field.sqr(p.y, b); // B = Y1^2
    X25519Field.sqr(p.z, c);
    X25519Field.add(c, c, c); // C = 2 Z1^2
    X25519Field.add(p.x, p.y, xPlusYSquared);
    X25519Field.sqr(xPlusYSquared, xPlusYSquared);
    int[] e = X25519Field.create();
    int[] f = X25519Field.create();
    int[] g = X25519Field.create();
    int[] h = X25519Field.create();
    X25519Field.add(a, b, h); // H = A + B
    X25519Field.sub(h, xPlusYSquared, e); // E = H - (X1 + Y1)^2
    X25519Field.sub(a, b, g); // G = A - B
    X25519Field.add(c, g, f); // F = C + G
    product(e, f, g, h, r);
  }

  /** E = B - A, F = D - C, G = D + C, H = B + A, then the common product step. */
  private static void finish(int[] b, int[] a, int[] d, int[] c, Point r) {
    int[] e = X25519Field.create();
    int[] f = X25519Field.create();
    int[] g = X25519Field.create();
    int[] h = X25519Field.create();
    X25519Field.sub(b, a, e);
    X25519Field.sub(d, c, f);
    X25519Field.add(d, c, g);
    X25519Field.add(b, a, h);
    product(e, f, g, h, r);
  }

  /** X3 = E F, Y3 = G H, T3 = E H, Z3 = F G; carries first so the multiplier's bounds hold. */
  private static void product(int[] e, int[] f, int[] g, int[] h, Point r) {
    X25519Field.carry(e);
    X25519Field.carry(f);
    X25519Field.carry(g);
    X25519Field.carry(h);
    X25519Field.mul(e, f, r.x);
    X25519Field.mul(g, h, r.y);
    X25519Field.mul(e, h, r.t);
    X25519Field.mul(f, g, r.z);
  }

  /**
   * The encoding of {@code scalar}·B (RFC 8032 section 5.1.2: y little-endian, x's parity in bit
   * 255), for any 32-byte little-endian scalar. Double-and-always-add over all 256 bits: the same
   * operations whatever the scalar, the sum kept or dropped with a mask.
   */
  static byte[] scalarMultBase(byte[] scalar) {
    Point accumulator = Point.neutral();
    Point sum = new Point();
    for (int i = 255; i >= 0; i--) {
      twice(accumulator, accumulator);
      add(accumulator, BASE, sum);
      int bit = (scalar[i >>> 3] >>> (i & 7)) & 1;
      accumulator.cmov(-bit, sum);
    }
    byte[] encoded = encode(accumulator);
    accumulator.wipe();
    sum.wipe();
    return encoded;
  }

  private static byte[] encode(Point p) {
    int[] zInverse = X25519Field.create();
    X25519Field.inv(p.z, zInverse);
    int[] x = X25519Field.create();
    int[] y = X25519Field.create();
    X25519Field.mul(p.x, zInverse, x);
    X25519Field.mul(p.y, zInverse, y);
    X25519Field.normalize(x);
    X25519Field.normalize(y);
    byte[] out = new byte[32];
    byte[] xBytes = new byte[32];
    X25519Field.encode(y, out, 0);
    X25519Field.encode(x, xBytes, 0);
    out[31] |= (byte) ((xBytes[0] & 1) << 7);
    Arrays.fill(xBytes, (byte) 0);
    X25519Field.zero(x);
    X25519Field.zero(y);
    X25519Field.zero(zInverse);
    return out;
  }

  // -----------------------------------------------------------------------------------------------
  // Scalars modulo the group order q = 2^252 + c, c = 27742317777372353535851937790883648493 (125
  // bits). Numbers are little-endian limbs of 21 bits held in longs: limb k weighs 2^(21k), so
  // 2^252 is limb 12 exactly, and since 2^252 = -c (mod q) a limb at position k >= 12 folds into
  // positions k - 12 .. k - 7 multiplied by -c. Limbs may go negative between carries; carries use
  // arithmetic shifts (floor division), and all loops run over public counts only.

  private static final int LIMB_BITS = 21;
  private static final long LIMB_MASK = (1L << LIMB_BITS) - 1;

  /** 2^252 sits at limb 12. */
  private static final int FOLD_LIMB = 12;

  /** Limbs of a 64-byte value: 25 · 21 = 525 bits &ge; 512. */
  private static final int WIDE_LIMBS = 25;

  /** Limbs of a 32-byte value, and of q: 13 · 21 = 273 bits &ge; 256. */
  private static final int NARROW_LIMBS = 13;

  private static final byte[] ORDER =
      XecKeys.hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  private static final byte[] ORDER_MINUS_ONE =
      XecKeys.hex("ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  private static final byte[] ZERO = new byte[32];

  /** q in limbs: c in limbs 0..5, zeros, then 1 at limb 12. */
  static final long[] ORDER_LIMBS = toLimbs(ORDER, NARROW_LIMBS);

  /** How many low limbs hold c. */
  static final int C_LIMBS = 6;

  /** A little-endian 64-byte value modulo q, as 32 little-endian bytes. */
  static byte[] reduce(byte[] wide) {
    long[] limbs = toLimbs(wide, WIDE_LIMBS);
    byte[] out = reduceLimbs(limbs);
    Arrays.fill(limbs, 0);
    return out;
  }

  /** (a·b + c) mod q for little-endian 32-byte values, as 32 little-endian bytes. */
  static byte[] mulAdd(byte[] a, byte[] b, byte[] c) {
    long[] x = toLimbs(a, NARROW_LIMBS);
    long[] y = toLimbs(b, NARROW_LIMBS);
    long[] z = toLimbs(c, NARROW_LIMBS);
    // Each product coefficient sums at most 13 terms below 2^42, so stays below 2^46.
    long[] product = new long[WIDE_LIMBS];
    for (int i = 0; i < NARROW_LIMBS; i++) {
      for (int j = 0; j < NARROW_LIMBS; j++) {
        product[i + j] += x[i] * y[j];
      }
      product[i] += z[i];
    }
    byte[] out = reduceLimbs(product);
    Arrays.fill(x, 0);
    Arrays.fill(y, 0);
    Arrays.fill(z, 0);
    Arrays.fill(product, 0);
    return out;
  }

  /**
   * Reduces a value below 2^512 held in {@link #WIDE_LIMBS} limbs to its canonical residue mod q.
   *
   * <p>From the top limb down to limb 12: carry so that every limb below the top is in [0, 2^21)
   * and the top limb carries the excess e, then replace e·2^(21k) by -e·c·2^(21(k-12)). Each step
   * keeps |e| &le; 2^21 + 1 (the folded term is about 2^105 times smaller than the limbs it lands
   * in), so products stay below 2^43. What remains in limbs 0..11 lies in (-2^147, 2^252 + 2^147);
   * adding q makes it positive and below 3q, and two masked subtractions of q finish the job.
   */
  private static byte[] reduceLimbs(long[] x) {
    for (int top = x.length - 1; top >= FOLD_LIMB; top--) {
      carry(x, top);
      long excess = x[top];
      x[top] = 0;
      for (int j = 0; j < C_LIMBS; j++) {
        x[top - FOLD_LIMB + j] -= excess * ORDER_LIMBS[j];
      }
    }
    for (int k = 0; k < NARROW_LIMBS; k++) {
      x[k] += ORDER_LIMBS[k];
    }
    carry(x, FOLD_LIMB);
    subtractOrderIfNotBelow(x);
    subtractOrderIfNotBelow(x);
    return toBytes(x);
  }

  /** Carries limbs 0..top-1 into [0, 2^21), the excess landing in limb top. */
  private static void carry(long[] x, int top) {
    for (int k = 0; k < top; k++) {
      long c = x[k] >> LIMB_BITS;
      x[k] -= c << LIMB_BITS;
      x[k + 1] += c;
    }
  }

  /** x -= q unless that goes negative, decided by a mask; x is carried (13 limbs) and &ge; 0. */
  private static void subtractOrderIfNotBelow(long[] x) {
    long[] difference = new long[NARROW_LIMBS];
    for (int k = 0; k < NARROW_LIMBS; k++) {
      difference[k] = x[k] - ORDER_LIMBS[k];
    }
    carry(difference, FOLD_LIMB);
    long keepX = difference[FOLD_LIMB] >> 63; // -1 if x < q
    for (int k = 0; k < NARROW_LIMBS; k++) {
      x[k] = (x[k] & keepX) | (difference[k] & ~keepX);
    }
    Arrays.fill(difference, 0);
  }

  /** Bits [21k, 21k + 21) of a little-endian byte string, for k below {@code count}. */
  private static long[] toLimbs(byte[] in, int count) {
    long[] limbs = new long[count];
    for (int k = 0; k < count; k++) {
      int bit = k * LIMB_BITS;
      long window = 0;
      for (int b = 0; b < 4; b++) { // 21 bits starting at any bit offset span at most 4 bytes
        int index = (bit >>> 3) + b;
        if (index < in.length) {
          window |= (in[index] & 0xffL) << (8 * b);
        }
      }
      limbs[k] = (window >>> (bit & 7)) & LIMB_MASK;
    }
    return limbs;
  }

  /** 32 little-endian bytes of a carried value below 2^256 in its low 13 limbs. */
  private static byte[] toBytes(long[] x) {
    byte[] out = new byte[32];
    long pending = 0;
    int pendingBits = 0;
    int position = 0;
    for (int k = 0; k < NARROW_LIMBS; k++) {
      pending |= x[k] << pendingBits;
      pendingBits += LIMB_BITS;
      while (pendingBits >= 8 && position < out.length) {
        out[position++] = (byte) pending;
        pending >>>= 8;
        pendingBits -= 8;
      }
    }
    return out;
  }
}
