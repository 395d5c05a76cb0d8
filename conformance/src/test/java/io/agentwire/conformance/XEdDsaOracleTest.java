package io.agentwire.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.xec.XEdDsaSignatures;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.whispersystems.curve25519.Curve25519;
import org.whispersystems.curve25519.Curve25519KeyPair;
import org.whispersystems.libsignal.ecc.Curve;
import org.whispersystems.libsignal.ecc.DjbECPrivateKey;
import org.whispersystems.libsignal.ecc.DjbECPublicKey;
import org.whispersystems.libsignal.ecc.ECKeyPair;
import org.whispersystems.libsignal.ecc.ECPublicKey;

/**
 * Signature {@code XEdDSA} against Signal's own implementation: libsignal-protocol-java 2.8.1 and
 * the curve25519-java 0.5.0 underneath it (GPLv3, a test-scope oracle only). Over random keys and
 * messages, what either side signs the other verifies, and a changed message fails on both. The two
 * encodings differ (curve25519-java keeps the Edwards sign in bit 255 of the signature, XEdDSA
 * proper makes it 0), so both directions matter.
 */
class XEdDsaOracleTest {

  private static final Provider PROVIDER = new AgentWireProvider();
  private static final Curve25519 CURVE25519_JAVA = Curve25519.getInstance(Curve25519.JAVA);

  @Property(tries = 300)
  void whatLibsignalSignsWeVerify(@ForAll @Size(max = 300) byte[] message) throws Exception {
    ECKeyPair keys = Curve.generateKeyPair();
    byte[] signature = Curve.calculateSignature(keys.getPrivateKey(), message);
    PublicKey ours = publicKey(((DjbECPublicKey) keys.getPublicKey()).getPublicKey());
    assertTrue(verify(ours, message, signature));
    assertFalse(verify(ours, changed(message), signature));
  }

  @Property(tries = 300)
  void whatWeSignLibsignalVerifies(@ForAll @Size(max = 300) byte[] message) throws Exception {
    ECKeyPair keys = Curve.generateKeyPair();
    byte[] raw = ((DjbECPrivateKey) keys.getPrivateKey()).getPrivateKey();
    byte[] signature = sign(privateKey(raw), message);
    assertEquals(0, signature[63] & 0x80, "XEdDSA proper: A's sign bit is 0");
    assertTrue(Curve.verifySignature(keys.getPublicKey(), message, signature));
    assertFalse(Curve.verifySignature(keys.getPublicKey(), changed(message), signature));
  }

  /** Our generator's keys need not be stored clamped; we clamp, so libsignal still agrees. */
  @Property(tries = 200)
  void whatWeSignWithOurOwnKeysLibsignalVerifies(@ForAll @Size(max = 100) byte[] message)
      throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    byte[] signature = sign(keys.getPrivate(), message);
    ECPublicKey theirs = Curve.decodePoint(djbEncoding(keys.getPublic()), 0);
    assertTrue(Curve.verifySignature(theirs, message, signature));
    assertTrue(
        CURVE25519_JAVA.verifySignature(
            Arrays.copyOfRange(djbEncoding(keys.getPublic()), 1, 33), message, signature));
  }

  @Property(tries = 300)
  void curve25519JavaDirectlyAgreesBothWays(@ForAll @Size(max = 300) byte[] message)
      throws Exception {
    Curve25519KeyPair keys = CURVE25519_JAVA.generateKeyPair();
    PublicKey ourPublic = publicKey(keys.getPublicKey());
    byte[] theirSignature = CURVE25519_JAVA.calculateSignature(keys.getPrivateKey(), message);
    assertTrue(verify(ourPublic, message, theirSignature));
    byte[] ourSignature = sign(privateKey(keys.getPrivateKey()), message);
    assertTrue(CURVE25519_JAVA.verifySignature(keys.getPublicKey(), message, ourSignature));
    assertTrue(verify(ourPublic, message, ourSignature));
  }

  /**
   * curve25519-java's signatures carry the sign bit half the time: both kinds must verify, through
   * {@code Signature} and through the one-call {@link XEdDsaSignatures} (X3DH's), the latter only
   * with bit 255 as it was; and what the one-call API signs libsignal verifies.
   */
  @Test
  void libsignalSignaturesOfBothSignBitsVerify() throws Exception {
    int[] seen = new int[2];
    byte[] message = "signed prekey".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < 200; i++) {
      ECKeyPair keys = Curve.generateKeyPair();
      byte[] raw = ((DjbECPublicKey) keys.getPublicKey()).getPublicKey();
      byte[] signature = Curve.calculateSignature(keys.getPrivateKey(), message);
      seen[(signature[63] >>> 7) & 1]++;
      assertTrue(verify(publicKey(raw), message, signature));
      assertTrue(XEdDsaSignatures.verify(raw, message, signature));
      assertFalse(XEdDsaSignatures.verify(raw, changed(message), signature));
      byte[] flipped = signature.clone();
      flipped[63] ^= (byte) 0x80;
      assertFalse(XEdDsaSignatures.verify(raw, message, flipped));
      PrivateKey ours = privateKey(((DjbECPrivateKey) keys.getPrivateKey()).getPrivateKey());
      byte[] oneCall = XEdDsaSignatures.sign(ours, message, null);
      assertTrue(Curve.verifySignature(keys.getPublicKey(), message, oneCall));
    }
    assertTrue(seen[0] > 0 && seen[1] > 0, "both sign bits came up: " + Arrays.toString(seen));
  }

  /** The JCA lookup by provider name, as application code would write it. */
  @Test
  void signatureGetInstanceByProviderNameWorks() throws Exception {
    boolean added = Security.getProvider(AgentWireProvider.NAME) == null;
    if (added) {
      Security.addProvider(new AgentWireProvider());
    }
    try {
      ECKeyPair keys = Curve.generateKeyPair();
      byte[] message = new byte[] {1, 2, 3};
      Signature signer = Signature.getInstance("XEdDSA", AgentWireProvider.NAME);
      signer.initSign(privateKey(((DjbECPrivateKey) keys.getPrivateKey()).getPrivateKey()));
      signer.update(message);
      byte[] signature = signer.sign();
      assertTrue(Curve.verifySignature(keys.getPublicKey(), message, signature));

      Signature verifier = Signature.getInstance("XEdDSA", AgentWireProvider.NAME);
      verifier.initVerify(publicKey(((DjbECPublicKey) keys.getPublicKey()).getPublicKey()));
      verifier.update(message);
      assertTrue(verifier.verify(Curve.calculateSignature(keys.getPrivateKey(), message)));
    } finally {
      if (added) {
        Security.removeProvider(AgentWireProvider.NAME);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
    Signature signer = Signature.getInstance("XEdDSA", PROVIDER);
    signer.initSign(key);
    signer.update(message);
    return signer.sign();
  }

  private static boolean verify(PublicKey key, byte[] message, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("XEdDSA", PROVIDER);
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(signature);
  }

  /** A raw Montgomery u as a JDK key (SunEC's), to show keys from other providers work. */
  private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
    byte[] be = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      be[i] = raw[raw.length - 1 - i];
    }
    return KeyFactory.getInstance("XDH", "SunEC")
        .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
  }

  /** A raw X25519 private key as an AgentWire key. */
  private static PrivateKey privateKey(byte[] raw) throws GeneralSecurityException {
    return KeyFactory.getInstance("X25519", PROVIDER)
        .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw));
  }

  /** libsignal's public key encoding: 0x05, then the 32-byte u. */
  private static byte[] djbEncoding(PublicKey key) {
    byte[] spki = key.getEncoded();
    byte[] out = new byte[33];
    out[0] = (byte) Curve.DJB_TYPE;
    System.arraycopy(spki, spki.length - 32, out, 1, 32);
    return out;
  }

  private static byte[] changed(byte[] message) {
    if (message.length == 0) {
      return new byte[] {0};
    }
    byte[] other = message.clone();
    other[other.length - 1] ^= 1;
    return other;
  }
}
