package io.agentwire.provider.hpke;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.agentwire.provider.Agents;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every suite this provider registers (five KEMs, three KDFs, four AEADs) against BouncyCastle's
 * independent HPKE, both ways: BouncyCastle seals and exports, we open and export the same; we seal
 * and export, BouncyCastle opens and exports the same; DeriveKeyPair gives both the same key pair
 * (the NIST curves' rejection sampling and bitmask included).
 */
class HpkeBouncyCastleCrossTest {

  private static final SecureRandom RANDOM = new SecureRandom();

  static List<HpkeSuite> suites() {
    List<HpkeSuite> out = new ArrayList<>();
    for (HpkeSuite.Kem kem : HpkeSuite.Kem.values()) {
      for (HpkeSuite.Kdf kdf : HpkeSuite.Kdf.values()) {
        for (HpkeSuite.Aead aead : HpkeSuite.Aead.values()) {
          out.add(HpkeSuite.of(kem, kdf, aead));
        }
      }
    }
    return out;
  }

  static HPKE bc(HpkeSuite s) {
    return new HPKE(
        HPKE.mode_base, (short) s.kem().id(), (short) s.kdf().id(), (short) s.aead().id());
  }

  static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void bouncyCastleSealsWeOpen(HpkeSuite suite) throws Exception {
    Hpke ours = Hpke.getInstance(suite, Agents.PROVIDER);
    HPKE theirs = bc(suite);
    AsymmetricCipherKeyPair kp = theirs.generatePrivateKey();
    byte[] sk = theirs.serializePrivateKey(kp.getPrivate());
    byte[] pk = theirs.serializePublicKey(kp.getPublic());
    assertArrayEquals(pk, ours.publicKey(sk), "pk(sk)");
    byte[] info = random(17);
    byte[] ctx = text("exporter context");

    HPKEContextWithEncapsulation sender = theirs.setupBaseS(kp.getPublic(), info);
    Hpke.Recipient recipient = ours.setupBaseR(sender.getEncapsulation(), sk, info);
    if (suite.aead() != HpkeSuite.Aead.EXPORT_ONLY) {
      for (int i = 0; i < 3; i++) {
        byte[] aad = text("aad " + i);
        byte[] pt = random(i * 40);
        assertArrayEquals(pt, recipient.open(aad, sender.seal(aad, pt)), "message " + i);
      }
    }
    assertArrayEquals(sender.export(ctx, 42), recipient.export(ctx, 42), "export");
    byte[][] exported = theirs.sendExport(kp.getPublic(), info, ctx, 32, null, null, null);
    assertArrayEquals(exported[1], ours.receiveExport(exported[0], sk, info, ctx, 32));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void weSealBouncyCastleOpens(HpkeSuite suite) throws Exception {
    Hpke ours = Hpke.getInstance(suite, Agents.PROVIDER);
    HPKE theirs = bc(suite);
    HpkeKeyPair kp = ours.generateKeyPair();
    AsymmetricCipherKeyPair bcKp = theirs.deserializePrivateKey(kp.privateKey(), kp.publicKey());
    assertArrayEquals(kp.publicKey(), theirs.serializePublicKey(bcKp.getPublic()), "pk(sk)");
    byte[] info = random(5);
    byte[] ctx = random(3);

    Hpke.Sender sender = ours.setupBaseS(kp.publicKey(), info);
    HPKEContext recipient = theirs.setupBaseR(sender.enc(), bcKp, info);
    if (suite.aead() != HpkeSuite.Aead.EXPORT_ONLY) {
      for (int i = 0; i < 3; i++) {
        byte[] aad = random(i);
        byte[] pt = random(1 + i * 33);
        assertArrayEquals(pt, recipient.open(aad, sender.seal(aad, pt)), "message " + i);
      }
      Hpke.Sealed single = ours.seal(kp.publicKey(), info, new byte[0], text("single shot"));
      assertArrayEquals(
          text("single shot"),
          theirs.open(
              single.enc(), bcKp, info, new byte[0], single.ciphertext(), null, null, null));
    }
    assertArrayEquals(recipient.export(ctx, 65), sender.export(ctx, 65), "export");
    Hpke.Exported exported = ours.sendExport(kp.publicKey(), info, ctx, 20);
    assertArrayEquals(
        exported.secret(),
        theirs.receiveExport(exported.enc(), bcKp, info, ctx, 20, null, null, null));
  }

  /**
   * BouncyCastle serializes X25519 and X448 private keys clamped; RFC 9180 and this provider keep
   * DeriveKeyPair's bytes as they are (the RFC vectors' skRm are unclamped), so clamp ours to
   * compare.
   */
  static byte[] clampedLikeBc(HpkeSuite suite, byte[] sk) {
    byte[] c = sk.clone();
    if (suite.kem() == HpkeSuite.Kem.DHKEM_X25519_HKDF_SHA256) {
      c[0] &= (byte) 248;
      c[31] &= 127;
      c[31] |= 64;
    } else if (suite.kem() == HpkeSuite.Kem.DHKEM_X448_HKDF_SHA512) {
      c[0] &= (byte) 252;
      c[55] |= (byte) 128;
    }
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void deriveKeyPairAgrees(HpkeSuite suite) throws Exception {
    if (suite.kdf() != HpkeSuite.Kdf.HKDF_SHA256 || suite.aead() != HpkeSuite.Aead.AES_128_GCM) {
      return; // DeriveKeyPair depends on the KEM only: one suite per KEM is enough
    }
    Hpke ours = Hpke.getInstance(suite, Agents.PROVIDER);
    HPKE theirs = bc(suite);
    for (int i = 0; i < 20; i++) {
      byte[] ikm = random(16 + i * 3);
      HpkeKeyPair kp = ours.deriveKeyPair(ikm);
      AsymmetricCipherKeyPair bcKp = theirs.deriveKeyPair(ikm);
      assertArrayEquals(
          theirs.serializePrivateKey(bcKp.getPrivate()),
          clampedLikeBc(suite, kp.privateKey()),
          "sk");
      assertArrayEquals(theirs.serializePublicKey(bcKp.getPublic()), kp.publicKey(), "pk");
    }
  }
}
