package io.agentwire.provider.xec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.Primitive;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public one-call XEdDSA API: round trips with either provider's keys, agreement with {@code
 * Signature "XEdDSA"} both ways, the sign bit of curve25519-java's encoding, s &ge; q, and typed
 * failures for every bad input. (curve25519-java's own signatures are checked in conformance's
 * XEdDsaOracleTest.)
 */
class XEdDsaSignaturesTest {

  private static final Provider AGENTWIRE = new AgentWireProvider();
  private static final BigInteger Q =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
  private static final byte[] MESSAGE = {5, 1, 2, 3};

  private static KeyPair keys(String provider) throws GeneralSecurityException {
    return provider.equals("SunEC")
        ? KeyPairGenerator.getInstance("X25519", provider).generateKeyPair()
        : KeyPairGenerator.getInstance("X25519", AGENTWIRE).generateKeyPair();
  }

  private static byte[] raw(KeyPair keys) throws InvalidKeyException {
    return XecKeyCodec.rawPublicKey(keys.getPublic(), Primitive.X25519);
  }

  @ParameterizedTest
  @ValueSource(strings = {"AgentWire", "SunEC"})
  void signaturesRoundTripWithEitherProvidersKeys(String provider) throws Exception {
    KeyPair keys = keys(provider);
    for (int length : new int[] {0, 1, 33, 1000}) {
      byte[] message = new byte[length];
      Arrays.fill(message, (byte) length);
      byte[] signature = XEdDsaSignatures.sign(keys.getPrivate(), message, null);
      assertEquals(XEdDsaSignatures.SIGNATURE_LENGTH, signature.length);
      assertEquals(0, signature[63] & 0x80, "XEdDSA proper: bit 255 is 0");
      assertTrue(XEdDsaSignatures.verify(raw(keys), message, signature));
      byte[] other = Arrays.copyOf(message, length + 1);
      assertFalse(XEdDsaSignatures.verify(raw(keys), other, signature));
      assertFalse(XEdDsaSignatures.verify(raw(keys(provider)), message, signature));
    }
  }

  @Test
  void theJcaSignatureAndThisApiAgreeBothWays() throws Exception {
    KeyPair keys = keys("AgentWire");
    Signature jca = Signature.getInstance("XEdDSA", AGENTWIRE);
    jca.initSign(keys.getPrivate());
    jca.update(MESSAGE);
    assertTrue(XEdDsaSignatures.verify(raw(keys), MESSAGE, jca.sign()));
    jca.initVerify(keys.getPublic());
    jca.update(MESSAGE);
    assertTrue(jca.verify(XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, new SecureRandom())));
  }

  @Test
  void theSecureRandomGivenIsUsedAndFixesTheSignature() throws Exception {
    KeyPair keys = keys("AgentWire");
    byte[] first = XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, fixed(7));
    assertArrayEquals(first, XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, fixed(7)));
    assertFalse(Arrays.equals(first, XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, fixed(8))));
    assertFalse(Arrays.equals(first, XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, null)));
  }

  /**
   * curve25519-java and libsignal keep the sign of the signer's Edwards point in bit 255. Bit 255
   * of a signature is read as that sign: a proper signature with the bit set is checked against -A,
   * and fails; so one of the two values of the bit verifies, which is what lets curve25519-java's
   * signatures of either sign through.
   */
  @Test
  void bit255IsReadAsTheSignOfThePublicPoint() throws Exception {
    KeyPair keys = keys("AgentWire");
    byte[] signature = XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, null);
    byte[] flipped = signature.clone();
    flipped[63] ^= (byte) 0x80;
    assertTrue(XEdDsaSignatures.verify(raw(keys), MESSAGE, signature));
    assertFalse(XEdDsaSignatures.verify(raw(keys), MESSAGE, flipped));
  }

  @Test
  void sAtOrAboveTheOrderIsRefused() throws Exception {
    KeyPair keys = keys("AgentWire");
    for (int i = 0; i < 20; i++) {
      byte[] signature = XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, null);
      BigInteger s = littleEndian(Arrays.copyOfRange(signature, 32, 64));
      byte[] malleated = signature.clone();
      System.arraycopy(littleEndian(s.add(Q)), 0, malleated, 32, 32);
      assertTrue(XEdDsaSignatures.verify(raw(keys), MESSAGE, signature));
      assertFalse(XEdDsaSignatures.verify(raw(keys), MESSAGE, malleated), "s + q");
    }
  }

  @Test
  void aPublicKeyAtOrAboveTheFieldPrimeIsRefused() throws Exception {
    KeyPair keys = keys("AgentWire");
    byte[] signature = XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, null);
    BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    BigInteger u = littleEndian(raw(keys));
    assertFalse(XEdDsaSignatures.verify(littleEndian(u.add(p)), MESSAGE, signature));
  }

  @Test
  void wrongLengthsAreTypedExceptions() throws Exception {
    KeyPair keys = keys("AgentWire");
    byte[] pub = raw(keys);
    byte[] signature = XEdDsaSignatures.sign(keys.getPrivate(), MESSAGE, null);
    for (byte[] key : new byte[][] {null, new byte[0], new byte[31], new byte[33], new byte[56]}) {
      assertThrows(
          InvalidKeyException.class, () -> XEdDsaSignatures.verify(key, MESSAGE, signature));
    }
    for (int length : new int[] {0, 63, 65}) {
      byte[] bad = Arrays.copyOf(signature, length);
      SignatureException e =
          assertThrows(SignatureException.class, () -> XEdDsaSignatures.verify(pub, MESSAGE, bad));
      assertTrue(e.getMessage().contains("got " + length), e.getMessage());
    }
    assertThrows(SignatureException.class, () -> XEdDsaSignatures.verify(pub, MESSAGE, null));
    assertThrows(NullPointerException.class, () -> XEdDsaSignatures.verify(pub, null, signature));
    assertThrows(
        NullPointerException.class, () -> XEdDsaSignatures.sign(keys.getPrivate(), null, null));
  }

  @Test
  void keysThatAreNotLiveX25519PrivateKeysAreRefused() throws Exception {
    PrivateKey x448 =
        KeyPairGenerator.getInstance("X448", AGENTWIRE).generateKeyPair().getPrivate();
    assertThrows(InvalidKeyException.class, () -> XEdDsaSignatures.sign(x448, MESSAGE, null));
    PrivateKey ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    assertThrows(InvalidKeyException.class, () -> XEdDsaSignatures.sign(ed25519, MESSAGE, null));
    assertThrows(InvalidKeyException.class, () -> XEdDsaSignatures.sign(null, MESSAGE, null));
    PrivateKey destroyed =
        XecKeyCodec.privateKey(Primitive.X25519, new SplittableRandomBytes(9).next(32));
    destroyed.destroy();
    assertThrows(
        IllegalStateException.class, () -> XEdDsaSignatures.sign(destroyed, MESSAGE, null));
  }

  // ---------------------------------------------------------------------------------------------

  /** A SecureRandom whose bytes follow from {@code seed}. */
  private static SecureRandom fixed(long seed) {
    SplittableRandomBytes bytes = new SplittableRandomBytes(seed);
    return new SecureRandom() {
      private static final long serialVersionUID = 1L;

      @Override
      public void nextBytes(byte[] out) {
        System.arraycopy(bytes.next(out.length), 0, out, 0, out.length);
      }
    };
  }

  private static final class SplittableRandomBytes {
    private final SplittableRandom random;

    SplittableRandomBytes(long seed) {
      random = new SplittableRandom(seed);
    }

    byte[] next(int n) {
      byte[] out = new byte[n];
      random.nextBytes(out);
      return out;
    }
  }

  private static BigInteger littleEndian(byte[] le) {
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    return new BigInteger(1, be);
  }

  private static byte[] littleEndian(BigInteger value) {
    byte[] le = new byte[32];
    for (int i = 0; i < le.length; i++) {
      le[i] = value.shiftRight(8 * i).byteValue();
    }
    return le;
  }
}
