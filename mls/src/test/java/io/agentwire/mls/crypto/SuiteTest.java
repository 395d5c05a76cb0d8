package io.agentwire.mls.crypto;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.CipherSuite;
import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.crypto.Suites;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Suite of each cipher suite on fresh keys: the lengths of RFC 9420 §17.1, AEAD, MAC,
 * signatures, HPKE and exports round-trip, and every malformed input is an {@link MlsException} or
 * a {@code false}, never a runtime exception.
 */
class SuiteTest {

  static Suite suite(CipherSuite cs) throws MlsException {
    assertTrue(Suites.isSupported(cs));
    assertTrue(cs.isSupported());
    Suite s = Suites.get(cs);
    assertEquals(cs, s.suite());
    return s;
  }

  @ParameterizedTest
  @EnumSource(CipherSuite.class)
  void lengthsFollowTheRegistry(CipherSuite cs) throws Exception {
    Suite s = suite(cs);
    int nh = cs.name().contains("SHA512") ? 64 : cs.name().contains("SHA384") ? 48 : 32;
    int nk = cs.name().contains("AES128") ? 16 : 32;
    assertEquals(nh, s.hashLength());
    assertEquals(nh, s.hash(new byte[0]).length);
    assertEquals(nh, s.mac(new byte[0], text("x")).length);
    assertEquals(nh, s.extract(new byte[0], new byte[0]).length);
    assertEquals(nk, s.aeadKeyLength());
    assertEquals(12, s.aeadNonceLength());
    assertEquals(100, s.expand(new byte[nh], text("info"), 100).length);
    assertEquals(nh, s.deriveSecret(new byte[nh], "label").length);
  }

  @ParameterizedTest
  @EnumSource(CipherSuite.class)
  void aeadRoundTripsAndRefusesForgeries(CipherSuite cs) throws Exception {
    Suite s = suite(cs);
    byte[] key = new byte[s.aeadKeyLength()];
    Arrays.fill(key, (byte) 3);
    byte[] nonce = new byte[12];
    byte[] ct = s.seal(key, nonce, text("aad"), text("message"));
    assertEquals(7 + 16, ct.length);
    assertArrayEquals(text("message"), s.open(key, nonce, text("aad"), ct));
    byte[] bad = ct.clone();
    bad[3] ^= 1;
    assertEquals(
        MlsException.Reason.DECRYPT_FAILED,
        assertThrows(MlsException.class, () -> s.open(key, nonce, text("aad"), bad)).reason());
    assertThrows(MlsException.class, () -> s.open(key, nonce, text("other"), ct));
    assertThrows(MlsException.class, () -> s.open(key, nonce, text("aad"), new byte[5]));
    assertThrows(MlsException.class, () -> s.open(new byte[5], nonce, text("aad"), ct));
    assertThrows(MlsException.class, () -> s.seal(key, new byte[11], text("aad"), ct));
  }

  @ParameterizedTest
  @EnumSource(CipherSuite.class)
  void macVerifiesOnlyTheRightTag(CipherSuite cs) throws Exception {
    Suite s = suite(cs);
    byte[] tag = s.mac(text("key"), text("data"));
    assertTrue(s.verifyMac(text("key"), text("data"), tag));
    assertFalse(s.verifyMac(text("key"), text("datb"), tag));
    assertFalse(s.verifyMac(text("key"), text("data"), Arrays.copyOf(tag, tag.length - 1)));
    assertFalse(s.verifyMac(text("key"), text("data"), new byte[0]));
  }

  @ParameterizedTest
  @EnumSource(CipherSuite.class)
  void signaturesOnFreshKeys(CipherSuite cs) throws Exception {
    Suite s = suite(cs);
    Suite.KeyPair kp = s.generateSignatureKeyPair();
    assertFalse(kp.toString().contains(io.agentwire.testsupport.Bytes.hex(kp.privateKey())));
    assertArrayEquals(kp.publicKey(), s.signaturePublicKey(kp.privateKey()));
    byte[] sig = s.signWithLabel(kp.privateKey(), "LeafNodeTBS", text("content"));
    assertTrue(s.verifyWithLabel(kp.publicKey(), "LeafNodeTBS", text("content"), sig));
    assertFalse(s.verifyWithLabel(kp.publicKey(), "KeyPackageTBS", text("content"), sig));
    Suite.KeyPair other = s.generateSignatureKeyPair();
    assertFalse(s.verifyWithLabel(other.publicKey(), "LeafNodeTBS", text("content"), sig));
    // malformed keys and signatures are false, never an exception
    for (byte[] badKey :
        new byte[][] {
          new byte[0],
          new byte[1],
          Arrays.copyOf(kp.publicKey(), 200),
          new byte[kp.publicKey().length]
        }) {
      assertFalse(s.verifyWithLabel(badKey, "LeafNodeTBS", text("content"), sig));
    }
    for (byte[] badSig :
        new byte[][] {
          new byte[0], new byte[3], new byte[sig.length], Arrays.copyOf(sig, sig.length + 1)
        }) {
      assertFalse(s.verifyWithLabel(kp.publicKey(), "LeafNodeTBS", text("content"), badSig));
    }
    assertFalse(s.verifyWithLabel(null, "LeafNodeTBS", text("content"), sig));
    assertThrows(MlsException.class, () -> s.signWithLabel(new byte[0], "x", text("c")));
    assertThrows(MlsException.class, () -> s.signWithLabel(new byte[100], "x", text("c")));
    assertThrows(MlsException.class, () -> s.signaturePublicKey(new byte[100]));
  }

  @ParameterizedTest
  @EnumSource(CipherSuite.class)
  void hpkeOnFreshAndDerivedKeys(CipherSuite cs) throws Exception {
    Suite s = suite(cs);
    Suite.KeyPair kp = s.generateHpkeKeyPair();
    assertArrayEquals(kp.publicKey(), s.hpkePublicKey(kp.privateKey()));
    Suite.HpkeSealed sealed =
        s.encryptWithLabel(kp.publicKey(), "UpdatePathNode", text("ctx"), text("path secret"));
    assertArrayEquals(
        text("path secret"),
        s.decryptWithLabel(
            kp.privateKey(),
            "UpdatePathNode",
            text("ctx"),
            sealed.kemOutput(),
            sealed.ciphertext()));
    assertThrows(
        MlsException.class,
        () ->
            s.decryptWithLabel(
                kp.privateKey(),
                "UpdatePathNode",
                text("cty"),
                sealed.kemOutput(),
                sealed.ciphertext()));
    for (byte[] badKem :
        new byte[][] {new byte[0], new byte[7], new byte[sealed.kemOutput().length]}) {
      MlsException e =
          assertThrows(
              MlsException.class,
              () ->
                  s.decryptWithLabel(
                      kp.privateKey(), "UpdatePathNode", text("ctx"), badKem, sealed.ciphertext()));
      assertEquals(MlsException.Reason.DECRYPT_FAILED, e.reason());
    }
    assertThrows(
        MlsException.class,
        () -> s.encryptWithLabel(new byte[3], "UpdatePathNode", text("ctx"), text("x")));
    assertThrows(MlsException.class, () -> s.hpkePublicKey(new byte[200]));

    Suite.KeyPair d1 = s.deriveHpkeKeyPair(new byte[s.hashLength()]);
    Suite.KeyPair d2 = s.deriveHpkeKeyPair(new byte[s.hashLength()]);
    assertArrayEquals(d1.privateKey(), d2.privateKey());
    assertArrayEquals(d1.publicKey(), s.hpkePublicKey(d1.privateKey()));
    assertNotEquals(
        Arrays.toString(d1.publicKey()),
        Arrays.toString(s.deriveHpkeKeyPair(text("other")).publicKey()));

    Suite.HpkeExported ex =
        s.exportSender(
            kp.publicKey(), text("info"), text("MLS 1.0 external init secret"), s.hashLength());
    assertArrayEquals(
        ex.secret(),
        s.exportReceiver(
            kp.privateKey(),
            ex.kemOutput(),
            text("info"),
            text("MLS 1.0 external init secret"),
            s.hashLength()));
    assertFalse(ex.toString().contains(io.agentwire.testsupport.Bytes.hex(ex.secret())));
    assertThrows(
        MlsException.class,
        () -> s.exportReceiver(kp.privateKey(), new byte[2], text("info"), text("c"), 32));
  }

  @Test
  void theSameSuiteObjectIsHandedOut() throws Exception {
    for (CipherSuite cs : CipherSuite.values()) {
      assertTrue(Suites.get(cs) == Suites.get(cs));
    }
  }
}
