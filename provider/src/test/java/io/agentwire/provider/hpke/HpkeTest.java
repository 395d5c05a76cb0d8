package io.agentwire.provider.hpke;

import static io.agentwire.testsupport.Bytes.hex;
import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.Agents;
import io.agentwire.provider.hpke.internal.HpkeContextImpl;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HPKE engine's API and its security rules: sequence numbers, validation, wiping. */
class HpkeTest {

  static final String X25519_CHACHA = "DHKEM_X25519_HKDF_SHA256/HKDF_SHA256/CHACHA20_POLY1305";

  static Hpke hpke(String name) throws Exception {
    return Hpke.getInstance(name, Agents.PROVIDER);
  }

  @Test
  void suitesAreFoundByNameAndByIds() throws Exception {
    Hpke byName = hpke(X25519_CHACHA);
    assertEquals(X25519_CHACHA, byName.getSuite().name());
    assertSame(Agents.PROVIDER, byName.getProvider());
    HpkeSuite byIds = HpkeSuite.of(0x20, 0x1, 0x3);
    assertEquals(byName.getSuite(), byIds);
    assertEquals(byIds, HpkeSuite.parse(X25519_CHACHA.toLowerCase(java.util.Locale.ROOT)));
    assertEquals(
        "DHKEM_P521_HKDF_SHA512/HKDF_SHA512/EXPORT_ONLY", HpkeSuite.of(0x12, 3, 0xFFFF).name());
    assertArrayEquals(hex("48504b45002000010003"), byIds.suiteId());
    assertThrows(NoSuchAlgorithmException.class, () -> HpkeSuite.of(0x30, 1, 1));
    assertThrows(NoSuchAlgorithmException.class, () -> HpkeSuite.of(0x20, 4, 1));
    assertThrows(NoSuchAlgorithmException.class, () -> HpkeSuite.parse("DHKEM_X25519_HKDF_SHA256"));
    assertThrows(NoSuchAlgorithmException.class, () -> hpke("A/B/C"));
  }

  @Test
  void theInstalledProviderIsFoundWithoutNamingIt() throws Exception {
    java.security.Security.addProvider(Agents.PROVIDER);
    try {
      assertEquals(HpkeSuite.of(0x10, 1, 1), Hpke.getInstance(0x10, 1, 1).getSuite());
      assertEquals(
          HpkeSuite.of(0x21, 3, 2),
          Hpke.getInstance(HpkeSuite.of(0x21, 3, 2).name(), Agents.PROVIDER.getName()).getSuite());
    } finally {
      java.security.Security.removeProvider(Agents.PROVIDER.getName());
    }
  }

  @ParameterizedTest
  @EnumSource(HpkeSuite.Kem.class)
  void everyKemRoundTripsAndRefusesAForgery(HpkeSuite.Kem kem) throws Exception {
    Hpke h =
        Hpke.getInstance(
            HpkeSuite.of(kem, HpkeSuite.Kdf.HKDF_SHA256, HpkeSuite.Aead.AES_128_GCM),
            Agents.PROVIDER);
    HpkeKeyPair kp = h.generateKeyPair();
    assertEquals(kem.publicKeyLength(), kp.publicKey().length);
    assertEquals(kem.privateKeyLength(), kp.privateKey().length);
    assertArrayEquals(kp.publicKey(), h.publicKey(kp.privateKey()));
    assertArrayEquals(kp.publicKey(), h.deserializePublicKey(kp.publicKey()));
    Hpke.Sealed s = h.seal(kp.publicKey(), text("info"), text("aad"), text("hello"));
    assertEquals(kem.encLength(), s.enc().length);
    assertArrayEquals(
        text("hello"), h.open(s.enc(), kp.privateKey(), text("info"), text("aad"), s.ciphertext()));
    HpkeException e =
        assertThrows(
            HpkeException.class,
            () -> h.open(s.enc(), kp.privateKey(), text("other"), text("aad"), s.ciphertext()));
    assertEquals(HpkeException.Reason.DECRYPT_FAILED, e.reason());
  }

  @Test
  void aFailedOpenDoesNotAdvanceTheSequenceNumber() throws Exception {
    Hpke h = hpke(X25519_CHACHA);
    HpkeKeyPair kp = h.generateKeyPair();
    Hpke.Sender s = h.setupBaseS(kp.publicKey(), text("info"));
    Hpke.Recipient r = h.setupBaseR(s.enc(), kp.privateKey(), text("info"));
    byte[] c0 = s.seal(text("a"), text("m0"));
    byte[] c1 = s.seal(text("a"), text("m1"));
    byte[] forged = c0.clone();
    forged[0] ^= 1;
    assertEquals(
        HpkeException.Reason.DECRYPT_FAILED,
        assertThrows(HpkeException.class, () -> r.open(text("a"), forged)).reason());
    assertThrows(HpkeException.class, () -> r.open(text("a"), new byte[15]));
    assertThrows(HpkeException.class, () -> r.open(text("a"), c1)); // out of order
    assertEquals(0, ((HpkeContextImpl) r).sequenceNumber());
    assertArrayEquals(text("m0"), r.open(text("a"), c0));
    assertArrayEquals(text("m1"), r.open(text("a"), c1));
    assertEquals(2, ((HpkeContextImpl) r).sequenceNumber());
  }

  @Test
  void theSequenceNumberCannotOverflow() throws Exception {
    Hpke h = hpke(X25519_CHACHA);
    HpkeKeyPair kp = h.generateKeyPair();
    HpkeContextImpl s = (HpkeContextImpl) h.setupBaseS(kp.publicKey(), null);
    s.setSequenceNumber(Long.MAX_VALUE - 1);
    s.seal(null, text("last"));
    HpkeException e = assertThrows(HpkeException.class, () -> s.seal(null, text("one more")));
    assertEquals(HpkeException.Reason.MESSAGE_LIMIT_REACHED, e.reason());
    assertEquals(Long.MAX_VALUE, s.sequenceNumber());
  }

  @Test
  void destroyWipesAndDisablesTheContext() throws Exception {
    Hpke h = hpke(X25519_CHACHA);
    HpkeKeyPair kp = h.generateKeyPair();
    Hpke.Sender s = h.setupBaseS(kp.publicKey(), null);
    assertFalse(s.isDestroyed());
    s.destroy();
    assertTrue(s.isDestroyed());
    assertEquals(
        HpkeException.Reason.DESTROYED,
        assertThrows(HpkeException.class, () -> s.seal(null, text("x"))).reason());
    assertThrows(HpkeException.class, () -> s.export(null, 16));
    kp.destroy();
    assertTrue(kp.isDestroyed());
    assertThrows(IllegalStateException.class, kp::privateKey);
  }

  @Test
  void toStringsHoldNoSecrets() throws Exception {
    Hpke h = hpke(X25519_CHACHA);
    HpkeKeyPair kp = h.deriveKeyPair(new byte[32]);
    String skHex = io.agentwire.testsupport.Bytes.hex(kp.privateKey());
    Hpke.Sender s = h.setupBaseS(kp.publicKey(), null);
    Hpke.Exported ex = h.sendExport(kp.publicKey(), null, null, 32);
    for (String str : new String[] {kp.toString(), s.toString(), ex.toString()}) {
      assertFalse(str.contains(skHex), str);
      assertFalse(str.contains(io.agentwire.testsupport.Bytes.hex(ex.secret())), str);
    }
  }

  @Test
  void smallOrderAndOffCurveKeysAreRefused() throws Exception {
    Hpke x = hpke(X25519_CHACHA);
    HpkeKeyPair kp = x.generateKeyPair();
    // The all-zero u-coordinate is of small order: the DH result is all zeros.
    assertEquals(
        HpkeException.Reason.INVALID_KEY,
        assertThrows(HpkeException.class, () -> x.setupBaseS(new byte[32], null)).reason());
    assertEquals(
        HpkeException.Reason.INVALID_KEY,
        assertThrows(HpkeException.class, () -> x.setupBaseR(new byte[32], kp.privateKey(), null))
            .reason());
    assertThrows(HpkeException.class, () -> x.setupBaseS(new byte[31], null));
    assertThrows(HpkeException.class, () -> x.setupBaseR(kp.publicKey(), new byte[31], null));

    Hpke p = hpke("DHKEM_P256_HKDF_SHA256/HKDF_SHA256/AES_128_GCM");
    HpkeKeyPair pk = p.generateKeyPair();
    byte[] offCurve = pk.publicKey();
    offCurve[64] ^= 1;
    for (byte[] bad :
        new byte[][] {offCurve, Arrays.copyOf(pk.publicKey(), 33), new byte[65], compressed(pk)}) {
      assertEquals(
          HpkeException.Reason.INVALID_KEY,
          assertThrows(HpkeException.class, () -> p.setupBaseS(bad, null)).reason());
      assertThrows(HpkeException.class, () -> p.setupBaseR(bad, pk.privateKey(), null));
      assertThrows(HpkeException.class, () -> p.deserializePublicKey(bad));
    }
    byte[] order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    assertEquals(
        HpkeException.Reason.INVALID_PRIVATE_KEY,
        assertThrows(HpkeException.class, () -> p.publicKey(order)).reason());
    assertThrows(HpkeException.class, () -> p.publicKey(new byte[32]));
  }

  private static byte[] compressed(HpkeKeyPair kp) {
    byte[] pub = kp.publicKey();
    byte[] c = Arrays.copyOf(pub, 65);
    c[0] = 0x02;
    return c;
  }

  @Test
  void exportOnlyContextsExportButDoNotSeal() throws Exception {
    Hpke h = hpke("DHKEM_X448_HKDF_SHA512/HKDF_SHA512/EXPORT_ONLY");
    HpkeKeyPair kp = h.generateKeyPair();
    Hpke.Sender s = h.setupBaseS(kp.publicKey(), text("i"));
    Hpke.Recipient r = h.setupBaseR(s.enc(), kp.privateKey(), text("i"));
    assertArrayEquals(s.export(text("c"), 100), r.export(text("c"), 100));
    assertEquals(
        HpkeException.Reason.INVALID_ARGUMENT,
        assertThrows(HpkeException.class, () -> s.seal(null, text("x"))).reason());
    assertThrows(HpkeException.class, () -> r.open(null, new byte[32]));
    assertEquals(0, s.export(null, 0).length);
    assertEquals(255 * 64, s.export(null, 255 * 64).length);
    assertEquals(
        HpkeException.Reason.INVALID_ARGUMENT,
        assertThrows(HpkeException.class, () -> s.export(null, 255 * 64 + 1)).reason());
    assertThrows(HpkeException.class, () -> s.export(null, -1));
  }

  @Test
  void deriveKeyPairIsDeterministic() throws Exception {
    for (String name :
        new String[] {X25519_CHACHA, "DHKEM_P521_HKDF_SHA512/HKDF_SHA512/AES_256_GCM"}) {
      Hpke h = hpke(name);
      byte[] ikm = text("some input keying material");
      HpkeKeyPair a = h.deriveKeyPair(ikm);
      HpkeKeyPair b = h.deriveKeyPair(ikm);
      assertArrayEquals(a.privateKey(), b.privateKey());
      assertArrayEquals(a.publicKey(), b.publicKey());
      assertFalse(Arrays.equals(a.publicKey(), h.deriveKeyPair(text("other")).publicKey()));
    }
  }
}
