package io.agentwire.provider.xec.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import io.agentwire.provider.backend.Primitive;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Signature {@code XEdDSA} through the JCA: keys from any provider, reuse, and typed failures. */
class XEdDsaSignatureSpiTest {

  private static final Provider PROVIDER = new AgentWireProvider();
  private static final byte[] MESSAGE = "signed prekey".getBytes(StandardCharsets.US_ASCII);

  private static KeyPair x25519(String provider) throws Exception {
    return provider.equals("AgentWire")
        ? KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair()
        : KeyPairGenerator.getInstance("X25519", provider).generateKeyPair();
  }

  private static byte[] sign(KeyPair keys, byte[] message) throws Exception {
    Signature signer = Signature.getInstance("XEdDSA", PROVIDER);
    signer.initSign(keys.getPrivate());
    signer.update(message);
    return signer.sign();
  }

  private static Signature verifier(KeyPair keys) throws Exception {
    Signature verifier = Signature.getInstance("XEdDSA", PROVIDER);
    verifier.initVerify(keys.getPublic());
    return verifier;
  }

  @ParameterizedTest
  @ValueSource(strings = {"AgentWire", "SunEC"})
  void signsAndVerifiesWithEitherProvidersKeys(String keyProvider) throws Exception {
    KeyPair keys = x25519(keyProvider);
    byte[] signature = sign(keys, MESSAGE);
    assertEquals(64, signature.length);
    Signature verifier = verifier(keys);
    verifier.update(MESSAGE);
    assertTrue(verifier.verify(signature));
    verifier.update(MESSAGE, 1, MESSAGE.length - 1);
    assertFalse(verifier.verify(signature), "a shorter message fails");
    verifier.update(MESSAGE);
    assertTrue(verifier.verify(signature), "verify resets the buffered message");
  }

  @Test
  void piecewiseUpdatesSignTheConcatenation() throws Exception {
    KeyPair keys = x25519("AgentWire");
    Signature signer = Signature.getInstance("XEdDSA", PROVIDER);
    signer.initSign(keys.getPrivate(), new SecureRandom());
    signer.update(MESSAGE[0]);
    signer.update(MESSAGE, 1, MESSAGE.length - 1);
    byte[] signature = signer.sign();
    assertTrue(
        XEdDsa.verify(XecKeys.rawPublic(keys.getPublic(), Primitive.X25519), MESSAGE, signature));
    signer.update(MESSAGE);
    byte[] second = signer.sign();
    assertFalse(Arrays.equals(signature, second), "every signature takes fresh randomness");
    Signature verifier = verifier(keys);
    verifier.update(MESSAGE);
    assertTrue(verifier.verify(second));
  }

  @Test
  void theSecureRandomGivenToInitSignIsUsed() throws Exception {
    KeyPair keys = x25519("AgentWire");
    byte[] z = new byte[64];
    Arrays.fill(z, (byte) 7);
    SecureRandom fixed =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            System.arraycopy(z, 0, bytes, 0, bytes.length);
          }
        };
    Signature signer = Signature.getInstance("XEdDSA", PROVIDER);
    signer.initSign(keys.getPrivate(), fixed);
    signer.update(MESSAGE);
    byte[] expected =
        XEdDsa.sign(XecKeys.rawPrivate(keys.getPrivate(), Primitive.X25519), MESSAGE, z);
    assertArrayEquals(expected, signer.sign());
  }

  @Test
  void aSignatureOfTheWrongLengthIsASignatureException() throws Exception {
    KeyPair keys = x25519("AgentWire");
    byte[] signature = sign(keys, MESSAGE);
    Signature verifier = verifier(keys);
    for (int length : new int[] {0, 63, 65}) {
      verifier.update(MESSAGE);
      byte[] wrong = Arrays.copyOf(signature, length);
      assertThrows(SignatureException.class, () -> verifier.verify(wrong), "length " + length);
    }
    verifier.update(MESSAGE);
    assertTrue(verifier.verify(signature), "a failed call leaves the verifier usable");
  }

  @Test
  void keysOfOtherKindsAreInvalidKeys() throws Exception {
    KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519", "SunEC").generateKeyPair();
    KeyPair x448 = KeyPairGenerator.getInstance("X448", PROVIDER).generateKeyPair();
    Signature signature = Signature.getInstance("XEdDSA", PROVIDER);
    assertThrows(InvalidKeyException.class, () -> signature.initSign(ed25519.getPrivate()));
    assertThrows(InvalidKeyException.class, () -> signature.initVerify(ed25519.getPublic()));
    assertThrows(InvalidKeyException.class, () -> signature.initSign(x448.getPrivate()));
    assertThrows(InvalidKeyException.class, () -> signature.initVerify(x448.getPublic()));
  }

  @Test
  void signingNeedsAPrivateKeyAndVerifyingAPublicOne() throws Exception {
    KeyPair keys = x25519("AgentWire");
    Signature verifier = verifier(keys);
    verifier.update(MESSAGE);
    assertThrows(SignatureException.class, verifier::sign);
    Signature signer = Signature.getInstance("XEdDSA", PROVIDER);
    signer.initSign(keys.getPrivate());
    signer.update(MESSAGE);
    assertThrows(SignatureException.class, () -> signer.verify(new byte[64]));
    assertNull(signer.getParameters());
  }
}
