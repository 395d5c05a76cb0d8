package io.agentwire.provider.noise;

import static io.agentwire.provider.noise.NoiseRole.INITIATOR;
import static io.agentwire.provider.noise.NoiseRole.RESPONDER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.backend.Primitive;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The pattern facts {@link NoiseProtocol} reads from the token table, beyond the per-role proof
 * table that socket-factory's {@code PatternFactsTest} checks for all 38 patterns.
 */
class NoiseProtocolTest {

  private static NoiseProtocol p(String pattern) throws NoSuchAlgorithmException {
    return NoiseProtocol.parse("Noise_" + pattern + "_25519_ChaChaPoly_SHA256");
  }

  @Test
  void theProviderKnowsThe38BasePatternsInSpecificationOrder() {
    List<String> names = NoiseProtocol.basePatterns();
    assertEquals(38, names.size());
    assertEquals(List.of("N", "K", "X", "NN"), names.subList(0, 4));
    assertEquals("IX", names.get(14));
    assertEquals("NK1", names.get(15));
    assertEquals("I1X1", names.get(37));
  }

  @Test
  void ofBuildsTheNameFromItsFunctions() throws Exception {
    NoiseProtocol p =
        NoiseProtocol.of("XXpsk3", Primitive.X448, Primitive.AES_256_GCM, Primitive.BLAKE2B);
    assertEquals("Noise_XXpsk3_448_AESGCM_BLAKE2b", p.name());
    assertEquals(NoiseProtocol.parse("Noise_XXpsk3_448_AESGCM_BLAKE2b"), p);
    assertThrows(
        NoSuchAlgorithmException.class,
        () -> NoiseProtocol.of("XX", Primitive.SHA256, Primitive.AES_256_GCM, Primitive.SHA256));
    assertThrows(
        IllegalArgumentException.class,
        () -> NoiseProtocol.of("XX", Primitive.X25519, Primitive.RANDOM, Primitive.SHA256));
  }

  @Test
  void pskPositionsComeFromTheModifiersAndNeverProveAStaticKey() throws Exception {
    NoiseProtocol xx = p("XX");
    NoiseProtocol psk = p("XXpsk0+psk3");
    assertEquals(List.of(), xx.pskPositions());
    assertFalse(xx.needsPsk());
    assertEquals(List.of(0, 3), psk.pskPositions());
    assertTrue(psk.needsPsk());
    assertEquals("XX", psk.basePattern());
    for (NoiseRole role : NoiseRole.values()) {
      assertEquals(xx.peerProof(role), psk.peerProof(role), role.toString());
    }
    // NNpsk0: both sides share a PSK, neither has a static key to prove.
    assertEquals(PeerProof.NEVER, p("NNpsk0").peerProof(INITIATOR));
    assertEquals(PeerProof.NEVER, p("NNpsk2").peerProof(RESPONDER));
  }

  @Test
  void deferredAndOneWayAreFactsOfTheBasePattern() throws Exception {
    assertTrue(p("XX1").isDeferred());
    assertTrue(p("I1K1psk2").isDeferred());
    assertFalse(p("XX").isDeferred());
    assertTrue(p("X").isOneWay());
    assertFalse(p("X1X").isOneWay());
    assertEquals(1, p("K").messageCount());
    assertEquals(4, p("X1X1").messageCount());
    assertEquals(INITIATOR, p("X1X1").sender(3));
    assertEquals(RESPONDER, p("X1X1").sender(4));
    assertThrows(IllegalArgumentException.class, () -> p("XX").sender(4));
  }

  @Test
  void underFallbackBobInitiatesAndTheFactsFollowTheRoles() throws Exception {
    NoiseProtocol fb = p("XXfallback");
    assertTrue(fb.isFallback());
    assertEquals(2, fb.messageCount());
    // Bob (the IK responder) initiates with <- e, ee, s, es; Alice answers -> s, se.
    assertEquals(INITIATOR, fb.sender(1));
    assertEquals(PeerProof.atHandshakeMessage(2), fb.peerProof(INITIATOR));
    assertEquals(PeerProof.atHandshakeMessage(1), fb.peerProof(RESPONDER));
    for (NoiseRole role : NoiseRole.values()) {
      assertTrue(fb.needsLocalStaticKey(role));
      assertTrue(fb.remoteStaticKeyTransmitted(role));
      assertFalse(fb.needsRemoteStaticKeyInAdvance(role));
    }
    assertEquals(p("XX"), fb.withoutFallback());
    assertEquals(p("XX"), p("XX").withoutFallback());
  }

  @Test
  void noisePipesFallsBackFromPlainIkOnly() throws Exception {
    NoiseProtocol ik = NoiseProtocol.parse("Noise_IK_448_AESGCM_BLAKE2b");
    assertEquals(
        Optional.of(NoiseProtocol.parse("Noise_XXfallback_448_AESGCM_BLAKE2b")),
        ik.pipesFallback());
    assertEquals(Optional.empty(), p("IKpsk2").pipesFallback());
    assertEquals(Optional.empty(), p("XX").pipesFallback());
  }

  @Test
  void peerProofIsAValue() {
    PeerProof two = PeerProof.atHandshakeMessage(2);
    assertEquals(two, PeerProof.atHandshakeMessage(2));
    assertEquals(two.hashCode(), PeerProof.atHandshakeMessage(2).hashCode());
    assertNotEquals(two, PeerProof.atHandshakeMessage(3));
    assertNotEquals(PeerProof.NEVER, PeerProof.FIRST_TRANSPORT_MESSAGE);
    assertEquals("handshake message 2", two.toString());
    assertEquals("first transport message", PeerProof.FIRST_TRANSPORT_MESSAGE.toString());
    assertEquals("never", PeerProof.NEVER.toString());
    assertFalse(two.provenAfter(1));
    assertTrue(two.provenAfter(2));
    assertFalse(PeerProof.FIRST_TRANSPORT_MESSAGE.provenAfter(99));
    assertThrows(IllegalStateException.class, PeerProof.NEVER::message);
    assertThrows(IllegalArgumentException.class, () -> PeerProof.atHandshakeMessage(0));
  }
}
