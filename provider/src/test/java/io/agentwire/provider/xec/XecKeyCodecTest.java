package io.agentwire.provider.xec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.Primitive;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public XEC key codec: round trips with SunEC's keys and encodings, X25519 and X448, bit 255,
 * and typed, explained failures for every bad input.
 */
class XecKeyCodecTest {

  private static final Provider AGENTWIRE = new AgentWireProvider();

  private static KeyPair sunEc(Primitive curve) throws GeneralSecurityException {
    return KeyPairGenerator.getInstance(curve.name(), "SunEC").generateKeyPair();
  }

  @ParameterizedTest
  @EnumSource(
      value = Primitive.class,
      names = {"X25519", "X448"})
  void sunEcKeysRoundTrip(Primitive curve) throws Exception {
    KeyPair sun = sunEc(curve);
    byte[] pub = XecKeyCodec.rawPublicKey(sun.getPublic(), curve);
    byte[] scalar = XecKeyCodec.exportPrivateScalar(sun.getPrivate(), curve);
    assertEquals(curve.length(), pub.length);
    assertArrayEquals(((XECPrivateKey) sun.getPrivate()).getScalar().orElseThrow(), scalar);

    PublicKey ours = XecKeyCodec.publicKey(curve, pub);
    PrivateKey oursPrivate = XecKeyCodec.privateKey(curve, scalar);
    assertArrayEquals(sun.getPublic().getEncoded(), ours.getEncoded(), "same X.509 encoding");
    assertArrayEquals(sun.getPrivate().getEncoded(), oursPrivate.getEncoded(), "same PKCS#8");
    assertEquals(sun.getPublic(), ours);
    assertEquals(((XECPublicKey) sun.getPublic()).getU(), ((XECPublicKey) ours).getU());
    assertEquals(((NamedParameterSpec) ((XECPublicKey) ours).getParams()).getName(), curve.name());

    // SunEC reads ours back, and ours read SunEC's encodings.
    KeyFactory sunFactory = KeyFactory.getInstance("XDH", "SunEC");
    assertEquals(
        sun.getPublic(), sunFactory.generatePublic(new X509EncodedKeySpec(ours.getEncoded())));
    assertEquals(
        sun.getPrivate(),
        sunFactory.generatePrivate(new PKCS8EncodedKeySpec(oursPrivate.getEncoded())));
    assertArrayEquals(pub, XecKeyCodec.rawPublicKeyFromX509(sun.getPublic().getEncoded()));
    assertArrayEquals(pub, XecKeyCodec.rawPublicKey(ours, curve));
    assertArrayEquals(scalar, XecKeyCodec.exportPrivateScalar(oursPrivate, curve));

    // The public key of a private key, SunEC's (computed) and ours (remembered after once).
    assertArrayEquals(pub, XecKeyCodec.rawPublicKeyOf(sun.getPrivate(), curve));
    assertArrayEquals(pub, XecKeyCodec.rawPublicKeyOf(oursPrivate, curve));
    assertArrayEquals(pub, XecKeyCodec.rawPublicKeyOf(oursPrivate, curve));

    // And the keys agree with SunEC's across providers.
    KeyPair other = sunEc(curve);
    KeyAgreement sunAgreement = KeyAgreement.getInstance("XDH", "SunEC");
    sunAgreement.init(other.getPrivate());
    sunAgreement.doPhase(ours, true);
    KeyAgreement ourAgreement = KeyAgreement.getInstance("XDH", AGENTWIRE);
    ourAgreement.init(oursPrivate);
    ourAgreement.doPhase(other.getPublic(), true);
    assertArrayEquals(sunAgreement.generateSecret(), ourAgreement.generateSecret());
  }

  @Test
  void foreignKeysAreReadFromTheirEncodingsToo() throws Exception {
    KeyPair sun = sunEc(Primitive.X448);
    PublicKey encodedOnly = new EncodedPublicKey(sun.getPublic().getEncoded());
    assertArrayEquals(
        XecKeyCodec.rawPublicKey(sun.getPublic(), Primitive.X448),
        XecKeyCodec.rawPublicKey(encodedOnly, Primitive.X448));
    PrivateKey pkcs8Only = new EncodedPrivateKey(sun.getPrivate().getEncoded());
    assertArrayEquals(
        XecKeyCodec.exportPrivateScalar(sun.getPrivate(), Primitive.X448),
        XecKeyCodec.exportPrivateScalar(pkcs8Only, Primitive.X448));
  }

  @Test
  void copiesGoInAndOut() throws Exception {
    byte[] raw = new byte[32];
    raw[0] = 9;
    PublicKey key = XecKeyCodec.publicKey(Primitive.X25519, raw);
    raw[0] = 10;
    byte[] out = XecKeyCodec.rawPublicKey(key, Primitive.X25519);
    assertEquals(9, out[0], "the key kept its own copy");
    out[1] = 1;
    assertEquals(0, XecKeyCodec.rawPublicKey(key, Primitive.X25519)[1], "handed out a copy");

    byte[] scalar = new byte[32];
    scalar[0] = 1;
    PrivateKey priv = XecKeyCodec.privateKey(Primitive.X25519, scalar);
    Arrays.fill(scalar, (byte) 0);
    assertEquals(1, XecKeyCodec.exportPrivateScalar(priv, Primitive.X25519)[0]);
  }

  @Test
  void bit255IsKeptInTheBytesAndMaskedInU() throws Exception {
    byte[] raw = new byte[32];
    raw[0] = 9;
    raw[31] = (byte) 0x80;
    PublicKey key = XecKeyCodec.publicKey(Primitive.X25519, raw);
    assertArrayEquals(raw, XecKeyCodec.rawPublicKey(key, Primitive.X25519), "bytes as given");
    assertEquals(BigInteger.valueOf(9), ((XECPublicKey) key).getU(), "RFC 7748: bit 255 masked");
    assertArrayEquals(raw, XecKeyCodec.rawPublicKeyFromX509(key.getEncoded()), "in X.509 too");

    // SunEC clears the bit in getU(); its encoding keeps it.
    PublicKey sun =
        KeyFactory.getInstance("XDH", "SunEC")
            .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    assertArrayEquals(raw, XecKeyCodec.rawPublicKeyFromX509(sun.getEncoded()));
    byte[] masked = raw.clone();
    masked[31] = 0;
    assertArrayEquals(masked, XecKeyCodec.rawPublicKey(sun, Primitive.X25519));

    // X448 has no spare bit: the top byte is the key's.
    byte[] raw448 = new byte[56];
    raw448[55] = (byte) 0xff;
    PublicKey key448 = XecKeyCodec.publicKey(Primitive.X448, raw448);
    assertEquals(BigInteger.valueOf(0xff).shiftLeft(440), ((XECPublicKey) key448).getU());
    assertArrayEquals(raw448, XecKeyCodec.rawPublicKey(key448, Primitive.X448));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 31, 33, 55, 56, 57, 64})
  void wrongLengthsAreRefusedWithTheReason(int length) {
    for (Primitive curve : new Primitive[] {Primitive.X25519, Primitive.X448}) {
      if (length == curve.length()) {
        continue;
      }
      String expected = curve.length() + " bytes, got " + length;
      assertReason(
          expected,
          assertThrows(
              InvalidKeySpecException.class, () -> XecKeyCodec.publicKey(curve, new byte[length])));
      assertReason(
          expected,
          assertThrows(
              InvalidKeySpecException.class,
              () -> XecKeyCodec.privateKey(curve, new byte[length])));
    }
  }

  @Test
  void keysOfAnotherCurveOrAlgorithmAreRefused() throws Exception {
    KeyPair x448 = sunEc(Primitive.X448);
    assertReason(
        "X25519",
        assertThrows(
            InvalidKeyException.class,
            () -> XecKeyCodec.rawPublicKey(x448.getPublic(), Primitive.X25519)));
    assertReason(
        "X25519",
        assertThrows(
            InvalidKeyException.class,
            () -> XecKeyCodec.exportPrivateScalar(x448.getPrivate(), Primitive.X25519)));
    assertThrows(
        InvalidKeyException.class,
        () -> XecKeyCodec.rawPublicKeyOf(x448.getPrivate(), Primitive.X25519));
    PrivateKey ours448 =
        XecKeyCodec.privateKey(
            Primitive.X448, XecKeyCodec.exportPrivateScalar(x448.getPrivate(), Primitive.X448));
    assertThrows(
        InvalidKeyException.class, () -> XecKeyCodec.rawPublicKeyOf(ours448, Primitive.X25519));

    for (String algorithm : new String[] {"Ed25519", "EC", "RSA"}) {
      KeyPair other = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
      assertReason(
          "",
          assertThrows(
              InvalidKeyException.class,
              () -> XecKeyCodec.rawPublicKey(other.getPublic(), Primitive.X25519)));
      assertReason(
          "",
          assertThrows(
              InvalidKeyException.class,
              () -> XecKeyCodec.exportPrivateScalar(other.getPrivate(), Primitive.X25519)));
      assertReason(
          "not an X25519 or X448 key",
          assertThrows(
              InvalidKeySpecException.class,
              () -> XecKeyCodec.rawPublicKeyFromX509(other.getPublic().getEncoded())));
    }
    assertThrows(InvalidKeyException.class, () -> XecKeyCodec.rawPublicKey(null, Primitive.X448));
    assertThrows(
        InvalidKeyException.class, () -> XecKeyCodec.exportPrivateScalar(null, Primitive.X448));
  }

  @Test
  void onlyTheTwoCurvesAreCurves() {
    assertThrows(
        IllegalArgumentException.class,
        () -> XecKeyCodec.publicKey(Primitive.CHACHA20_POLY1305, new byte[32]));
    assertThrows(
        IllegalArgumentException.class,
        () -> XecKeyCodec.privateKey(Primitive.SHA256, new byte[32]));
    assertThrows(NullPointerException.class, () -> XecKeyCodec.publicKey(null, new byte[32]));
  }

  @Test
  void destroyedKeysGiveNothing() throws Exception {
    PrivateKey key = XecKeyCodec.privateKey(Primitive.X25519, new byte[32]);
    key.destroy();
    assertThrows(
        IllegalStateException.class, () -> XecKeyCodec.exportPrivateScalar(key, Primitive.X25519));
    assertThrows(
        IllegalStateException.class, () -> XecKeyCodec.rawPublicKeyOf(key, Primitive.X25519));
  }

  @Test
  void malformedEncodingsFailTypedNeverWithAnIndexError() throws Exception {
    byte[] spki = sunEc(Primitive.X25519).getPublic().getEncoded();
    byte[] pkcs8 = sunEc(Primitive.X25519).getPrivate().getEncoded();
    assertThrows(InvalidKeySpecException.class, () -> XecKeyCodec.rawPublicKeyFromX509(null));
    for (int n = 0; n < spki.length; n++) {
      byte[] truncated = Arrays.copyOf(spki, n);
      expectTyped(() -> XecKeyCodec.rawPublicKeyFromX509(truncated));
      expectTyped(
          () -> XecKeyCodec.rawPublicKey(new EncodedPublicKey(truncated), Primitive.X25519));
    }
    for (int n = 0; n < pkcs8.length; n++) {
      byte[] truncated = Arrays.copyOf(pkcs8, n);
      expectTyped(
          () ->
              XecKeyCodec.exportPrivateScalar(new EncodedPrivateKey(truncated), Primitive.X25519));
    }
    // A long-form length and a trailing byte are not canonical DER.
    byte[] longForm = HexFormat.of().parseHex("30812a300506032b656e032100" + "00".repeat(32));
    expectTyped(() -> XecKeyCodec.rawPublicKeyFromX509(longForm));
    byte[] trailing = Arrays.copyOf(spki, spki.length + 1);
    expectTyped(() -> XecKeyCodec.rawPublicKeyFromX509(trailing));
    // Parameters are forbidden by RFC 8410.
    byte[] withNull = HexFormat.of().parseHex("302c300706032b656e0500032100" + "00".repeat(32));
    expectTyped(() -> XecKeyCodec.rawPublicKeyFromX509(withNull));

    Random random = new Random(7748);
    for (int i = 0; i < 2000; i++) {
      byte[] junk = new byte[random.nextInt(80)];
      random.nextBytes(junk);
      if (i % 2 == 0 && junk.length > 2) {
        junk[0] = 0x30; // a SEQUENCE, to get past the first check
        junk[1] = (byte) (junk.length - 2);
      }
      expectTyped(() -> XecKeyCodec.rawPublicKeyFromX509(junk));
      expectTyped(
          () -> XecKeyCodec.exportPrivateScalar(new EncodedPrivateKey(junk), Primitive.X25519));
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  /** {@code call} either succeeds or fails with a typed key exception that says why. */
  private static void expectTyped(Call call) {
    try {
      call.run();
    } catch (InvalidKeyException | InvalidKeySpecException e) {
      assertNotNull(e.getMessage(), "a reason");
    } catch (Exception e) {
      fail("expected InvalidKeyException or InvalidKeySpecException, got " + e, e);
    }
  }

  private static void assertReason(String expected, Exception e) {
    assertNotNull(e.getMessage(), "a reason");
    assertTrue(e.getMessage().contains(expected), e.getMessage() + " mentions " + expected);
  }

  /** A key known only by its encoding, as from a provider without the XEC key interfaces. */
  private abstract static class EncodedKey implements Key {
    private static final long serialVersionUID = 1L;
    private final String format;
    private final byte[] encoded;

    EncodedKey(String format, byte[] encoded) {
      this.format = format;
      this.encoded = encoded.clone();
    }

    @Override
    public String getAlgorithm() {
      return "XDH";
    }

    @Override
    public String getFormat() {
      return format;
    }

    @Override
    public byte[] getEncoded() {
      return encoded.clone();
    }
  }

  private static final class EncodedPublicKey extends EncodedKey implements PublicKey {
    private static final long serialVersionUID = 1L;

    EncodedPublicKey(byte[] encoded) {
      super("X.509", encoded);
    }
  }

  private static final class EncodedPrivateKey extends EncodedKey implements PrivateKey {
    private static final long serialVersionUID = 1L;

    EncodedPrivateKey(byte[] encoded) {
      super("PKCS#8", encoded);
    }
  }
}
