package io.agentwire.provider.xec.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * XEdDSA: the group and scalar arithmetic against RFC 8032 and the JDK's Ed25519 (an Ed25519
 * signature assembled from the same building blocks must match byte for byte), then sign and
 * verify, the encodings they accept and everything they must refuse.
 */
class XEdDsaTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger Q =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  // ---------------------------------------------------------------------------------------------
  // Group and scalar arithmetic, checked through Ed25519

  /** RFC 8032 section 7.1, TEST 1, 2 and 3: seed, public key, message, signature. */
  static Stream<Arguments> rfc8032() {
    return Stream.of(
        Arguments.of(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Arguments.of(
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        Arguments.of(
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"));
  }

  @ParameterizedTest
  @MethodSource("rfc8032")
  void thePublicPointOfAnEd25519SeedMatchesRfc8032(
      String seed, String publicKey, String message, String signature) throws Exception {
    assertEquals(publicKey, HEX.formatHex(ed25519PublicKey(HEX.parseHex(seed))));
  }

  @ParameterizedTest
  @MethodSource("rfc8032")
  void anEd25519SignatureBuiltFromTheSameBlocksMatchesRfc8032(
      String seed, String publicKey, String message, String signature) throws Exception {
    assertEquals(signature, HEX.formatHex(ed25519Sign(HEX.parseHex(seed), HEX.parseHex(message))));
  }

  @Property(tries = 200)
  void thePublicPointMatchesTheJdksEd25519PublicKey(@ForAll @Size(32) byte[] seed)
      throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("Ed25519", "SunEC");
    kpg.initialize(NamedParameterSpec.ED25519, fixedRandom(seed));
    byte[] spki = kpg.generateKeyPair().getPublic().getEncoded();
    byte[] jdk = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    assertArrayEquals(jdk, ed25519PublicKey(seed));
  }

  @Property(tries = 100)
  void anEd25519SignatureBuiltFromTheSameBlocksMatchesTheJdk(
      @ForAll @Size(32) byte[] seed, @ForAll @Size(max = 300) byte[] message) throws Exception {
    PrivateKey key =
        java.security.KeyFactory.getInstance("Ed25519", "SunEC")
            .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
    Signature jdk = Signature.getInstance("Ed25519", "SunEC");
    jdk.initSign(key);
    jdk.update(message);
    assertArrayEquals(jdk.sign(), ed25519Sign(seed, message));
  }

  @Test
  void theOrderSplitsIntoCAndTwoToThe252AsTheReductionAssumes() {
    long[] limbs = XEdDsa.ORDER_LIMBS;
    BigInteger c = Q.subtract(BigInteger.TWO.pow(252));
    BigInteger fromLimbs = BigInteger.ZERO;
    for (int k = XEdDsa.C_LIMBS - 1; k >= 0; k--) {
      fromLimbs = fromLimbs.shiftLeft(21).add(BigInteger.valueOf(limbs[k]));
    }
    assertEquals(c, fromLimbs);
    for (int k = XEdDsa.C_LIMBS; k < 12; k++) {
      assertEquals(0, limbs[k], "limb " + k);
    }
    assertEquals(1, limbs[12]);
  }

  @Property(tries = 2000)
  void reduceMatchesBigInteger(@ForAll @Size(64) byte[] wide) {
    assertEquals(toInteger(wide).mod(Q), toInteger(XEdDsa.reduce(wide)));
  }

  @Property(tries = 2000)
  void mulAddMatchesBigInteger(
      @ForAll @Size(32) byte[] a, @ForAll @Size(32) byte[] b, @ForAll @Size(32) byte[] c) {
    BigInteger expected = toInteger(a).multiply(toInteger(b)).add(toInteger(c)).mod(Q);
    assertEquals(expected, toInteger(XEdDsa.mulAdd(a, b, c)));
  }

  @Test
  void scalarArithmeticHoldsAtTheEdges() {
    List<BigInteger> edges =
        List.of(
            BigInteger.ZERO,
            BigInteger.ONE,
            Q.subtract(BigInteger.ONE),
            Q,
            Q.add(BigInteger.ONE),
            Q.shiftLeft(1),
            BigInteger.TWO.pow(252),
            BigInteger.TWO.pow(253).subtract(BigInteger.ONE),
            BigInteger.TWO.pow(256).subtract(BigInteger.ONE));
    for (BigInteger a : edges) {
      for (BigInteger b : edges) {
        for (BigInteger c : edges) {
          BigInteger expected = a.multiply(b).add(c).mod(Q);
          assertEquals(
              expected,
              toInteger(XEdDsa.mulAdd(bytes(a, 32), bytes(b, 32), bytes(c, 32))),
              a + " * " + b + " + " + c);
        }
      }
      BigInteger wide = a.multiply(a);
      assertEquals(wide.mod(Q), toInteger(XEdDsa.reduce(bytes(wide, 64))), a + "^2");
    }
    BigInteger max = BigInteger.TWO.pow(512).subtract(BigInteger.ONE);
    assertEquals(max.mod(Q), toInteger(XEdDsa.reduce(bytes(max, 64))));
    BigInteger multiple = Q.multiply(BigInteger.TWO.pow(259).subtract(BigInteger.ONE));
    assertEquals(BigInteger.ZERO, toInteger(XEdDsa.reduce(bytes(multiple, 64))));
  }

  // ---------------------------------------------------------------------------------------------
  // XEdDSA sign and verify

  @Property(tries = 300)
  void aSignatureVerifiesUnderTheX25519PublicKeyAndHasBit255Clear(
      @ForAll @Size(32) byte[] privateKey,
      @ForAll @Size(max = 300) byte[] message,
      @ForAll @Size(64) byte[] random) {
    byte[] copy = privateKey.clone();
    byte[] signature = XEdDsa.sign(privateKey, message, random);
    assertArrayEquals(copy, privateKey, "the caller's key is left alone");
    assertEquals(64, signature.length);
    assertEquals(0, signature[63] & 0x80, "A's sign is always 0 in XEdDSA proper");
    assertTrue(XEdDsa.verify(x25519PublicKey(privateKey), message, signature));
  }

  @Property(tries = 50)
  void theNonceDependsOnTheRandomness(
      @ForAll @Size(32) byte[] privateKey, @ForAll @Size(max = 50) byte[] message) {
    byte[] z1 = new byte[64];
    byte[] z2 = new byte[64];
    z2[63] = 1;
    byte[] s1 = XEdDsa.sign(privateKey, message, z1);
    byte[] s2 = XEdDsa.sign(privateKey, message, z2);
    assertFalse(Arrays.equals(s1, s2));
    assertArrayEquals(s1, XEdDsa.sign(privateKey, message, z1), "deterministic given Z");
  }

  @Test
  void flippingAnyBitOfTheSignatureIsRejected() {
    SplittableRandom rnd = new SplittableRandom(1);
    byte[] privateKey = randomBytes(rnd, 32);
    byte[] publicKey = x25519PublicKey(privateKey);
    byte[] message = randomBytes(rnd, 40);
    byte[] signature = XEdDsa.sign(privateKey, message, randomBytes(rnd, 64));
    assertTrue(XEdDsa.verify(publicKey, message, signature));
    for (int bit = 0; bit < 512; bit++) {
      byte[] flipped = signature.clone();
      flipped[bit >>> 3] ^= (byte) (1 << (bit & 7));
      assertFalse(XEdDsa.verify(publicKey, message, flipped), "bit " + bit);
    }
  }

  @Property(tries = 200)
  void flippingAnyBitOfTheMessageOrKeyIsRejected(
      @ForAll @Size(32) byte[] privateKey,
      @ForAll @Size(min = 1, max = 100) byte[] message,
      @ForAll @IntRange(max = 799) int messageBit,
      @ForAll @IntRange(max = 255) int keyBit) {
    byte[] publicKey = x25519PublicKey(privateKey);
    byte[] signature = XEdDsa.sign(privateKey, message, new byte[64]);
    byte[] otherMessage = message.clone();
    int m = messageBit % (8 * message.length);
    otherMessage[m >>> 3] ^= (byte) (1 << (m & 7));
    assertFalse(XEdDsa.verify(publicKey, otherMessage, signature));
    byte[] otherKey = publicKey.clone();
    otherKey[keyBit >>> 3] ^= (byte) (1 << (keyBit & 7));
    assertFalse(XEdDsa.verify(otherKey, message, signature));
  }

  @Test
  void sAtOrAboveTheOrderIsRejected() {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 20; i++) {
      byte[] privateKey = randomBytes(rnd, 32);
      byte[] message = randomBytes(rnd, 10);
      byte[] signature = XEdDsa.sign(privateKey, message, randomBytes(rnd, 64));
      BigInteger s = toInteger(Arrays.copyOfRange(signature, 32, 64));
      // s + q is the same scalar mod q, below 2^254: XEdDSA's own bound (2^253) is not enough.
      byte[] malleated = signature.clone();
      System.arraycopy(bytes(s.add(Q), 32), 0, malleated, 32, 32);
      byte[] publicKey = x25519PublicKey(privateKey);
      assertTrue(XEdDsa.verify(publicKey, message, signature));
      assertFalse(XEdDsa.verify(publicKey, message, malleated));
    }
  }

  @Test
  void aPublicKeyAtOrAboveTheFieldPrimeIsRejected() {
    SplittableRandom rnd = new SplittableRandom(3);
    byte[] message = randomBytes(rnd, 10);
    byte[] signature = XEdDsa.sign(randomBytes(rnd, 32), message, randomBytes(rnd, 64));
    for (int k = 0; k < 19; k++) {
      byte[] u = bytes(P.add(BigInteger.valueOf(k)), 32);
      assertFalse(XEdDsa.isCanonicalFieldElement(u));
      assertFalse(XEdDsa.verify(u, message, signature), "p + " + k);
    }
    byte[] allOnes = new byte[32];
    Arrays.fill(allOnes, (byte) 0xff);
    assertFalse(XEdDsa.verify(allOnes, message, signature));
    assertTrue(XEdDsa.isCanonicalFieldElement(bytes(P.subtract(BigInteger.ONE), 32)));
  }

  /**
   * Public keys of small order (and u = -1, where the map to Edwards divides by zero) would let
   * anyone forge: with A in the small subgroup, R = sB passes whenever hA = 0. They must fail.
   */
  @Test
  void smallOrderPublicKeysAcceptNoSignature() {
    List<BigInteger> smallOrder =
        List.of(
            BigInteger.ZERO,
            BigInteger.ONE,
            P.subtract(BigInteger.ONE),
            new BigInteger(
                "325606250916557431795983626356110631294008115727848805560023387167927233504"),
            new BigInteger(
                "39382357235489614581723060781553021112529911719440698176882885853963445705823"));
    SplittableRandom rnd = new SplittableRandom(4);
    byte[] message = randomBytes(rnd, 16);
    for (BigInteger u : smallOrder) {
      for (int i = 0; i < 32; i++) {
        byte[] s = XEdDsa.reduce(randomBytes(rnd, 64));
        byte[] signature = Arrays.copyOf(XEdDsa.scalarMultBase(s), 64);
        System.arraycopy(s, 0, signature, 32, 32);
        assertFalse(XEdDsa.verify(bytes(u, 32), message, signature), "u = " + u);
        signature[63] |= (byte) 0x80;
        assertFalse(XEdDsa.verify(bytes(u, 32), message, signature), "u = " + u + ", sign 1");
      }
    }
  }

  /**
   * curve25519-java and libsignal keep k unnegated and store A's sign in bit 255; such signatures
   * must verify, and only with that bit as it was.
   */
  @Test
  void theCurve25519JavaEncodingVerifiesForBothSigns() throws Exception {
    SplittableRandom rnd = new SplittableRandom(5);
    boolean[] seen = new boolean[2];
    for (int i = 0; i < 64; i++) {
      byte[] privateKey = randomBytes(rnd, 32);
      byte[] message = randomBytes(rnd, 1 + i);
      byte[] signature = legacySign(privateKey, message, randomBytes(rnd, 64));
      int sign = (signature[63] >>> 7) & 1;
      seen[sign] = true;
      byte[] publicKey = x25519PublicKey(privateKey);
      assertTrue(XEdDsa.verify(publicKey, message, signature), "sign bit " + sign);
      signature[63] ^= (byte) 0x80;
      assertFalse(XEdDsa.verify(publicKey, message, signature), "sign bit flipped");
    }
    assertTrue(seen[0] && seen[1], "both signs of A came up");
  }

  @Test
  void wrongLengthsAreIllegalArguments() {
    byte[] key = new byte[32];
    byte[] random = new byte[64];
    byte[] signature = XEdDsa.sign(key, new byte[1], random);
    assertThrows(
        IllegalArgumentException.class, () -> XEdDsa.sign(new byte[31], new byte[1], random));
    assertThrows(
        IllegalArgumentException.class, () -> XEdDsa.sign(new byte[33], new byte[1], random));
    assertThrows(IllegalArgumentException.class, () -> XEdDsa.sign(key, new byte[1], new byte[63]));
    assertThrows(IllegalArgumentException.class, () -> XEdDsa.sign(null, new byte[1], random));
    assertThrows(IllegalArgumentException.class, () -> XEdDsa.sign(key, null, random));
    assertThrows(
        IllegalArgumentException.class, () -> XEdDsa.verify(new byte[31], new byte[1], signature));
    assertThrows(
        IllegalArgumentException.class,
        () -> XEdDsa.verify(key, new byte[1], Arrays.copyOf(signature, 63)));
    assertThrows(
        IllegalArgumentException.class,
        () -> XEdDsa.verify(key, new byte[1], Arrays.copyOf(signature, 65)));
    assertThrows(IllegalArgumentException.class, () -> XEdDsa.verify(key, null, signature));
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** RFC 8032 section 5.1.5: the public key of an Ed25519 seed. */
  private static byte[] ed25519PublicKey(byte[] seed) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
    return XEdDsa.scalarMultBase(XEdDsa.clamp(Arrays.copyOf(h, 32)));
  }

  /** RFC 8032 section 5.1.6, with this class's scalar multiplication and scalar arithmetic. */
  private static byte[] ed25519Sign(byte[] seed, byte[] message) throws Exception {
    MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
    byte[] h = sha512.digest(seed);
    byte[] s = XEdDsa.clamp(Arrays.copyOf(h, 32));
    byte[] publicKey = XEdDsa.scalarMultBase(s);
    sha512.update(h, 32, 32);
    byte[] r = XEdDsa.reduce(sha512.digest(message));
    byte[] bigR = XEdDsa.scalarMultBase(r);
    sha512.update(bigR);
    sha512.update(publicKey);
    byte[] k = XEdDsa.reduce(sha512.digest(message));
    byte[] signature = Arrays.copyOf(bigR, 64);
    System.arraycopy(XEdDsa.mulAdd(k, s, r), 0, signature, 32, 32);
    return signature;
  }

  /** The curve25519-java 0.5.0 construction, rebuilt from its description, not its code. */
  private static byte[] legacySign(byte[] privateKey, byte[] message, byte[] random)
      throws Exception {
    byte[] k = XEdDsa.clamp(privateKey);
    byte[] publicPoint = XEdDsa.scalarMultBase(k);
    MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
    byte[] prefix = new byte[32];
    Arrays.fill(prefix, (byte) 0xff);
    prefix[0] = (byte) 0xfe;
    sha512.update(prefix);
    sha512.update(k);
    sha512.update(message);
    byte[] r = XEdDsa.reduce(sha512.digest(random));
    byte[] bigR = XEdDsa.scalarMultBase(r);
    sha512.update(bigR);
    sha512.update(publicPoint);
    byte[] h = XEdDsa.reduce(sha512.digest(message));
    byte[] signature = Arrays.copyOf(bigR, 64);
    System.arraycopy(XEdDsa.mulAdd(h, k, r), 0, signature, 32, 32);
    signature[63] |= (byte) (publicPoint[31] & 0x80);
    return signature;
  }

  /** The X25519 public key, from BouncyCastle's X25519 (a Montgomery ladder, independent). */
  private static byte[] x25519PublicKey(byte[] privateKey) {
    byte[] publicKey = new byte[32];
    X25519.scalarMultBase(privateKey, 0, publicKey, 0);
    return publicKey;
  }

  /** A SecureRandom that hands out {@code seed}, for the JDK's key pair generator. */
  private static SecureRandom fixedRandom(byte[] seed) {
    return new SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] bytes) {
        assertEquals(seed.length, bytes.length);
        System.arraycopy(seed, 0, bytes, 0, seed.length);
      }
    };
  }

  private static byte[] randomBytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  private static BigInteger toInteger(byte[] littleEndian) {
    byte[] be = new byte[littleEndian.length];
    for (int i = 0; i < be.length; i++) {
      be[i] = littleEndian[littleEndian.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  private static byte[] bytes(BigInteger value, int length) {
    byte[] le = new byte[length];
    for (int i = 0; i < length; i++) {
      le[i] = value.shiftRight(8 * i).byteValue();
    }
    return le;
  }
}
