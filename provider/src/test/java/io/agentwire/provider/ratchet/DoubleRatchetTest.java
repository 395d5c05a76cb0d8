package io.agentwire.provider.ratchet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.AgentWireProvider;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DoubleRatchetTest {

  static final AgentWireProvider PROVIDER = new AgentWireProvider();

  /** A connected pair of sessions for {@code profile}. */
  record Pair(RatchetSession alice, RatchetSession bob) {}

  static Pair pair(String profile) throws GeneralSecurityException {
    DoubleRatchet dr = DoubleRatchet.getInstance(profile, PROVIDER);
    byte[] secret = new byte[dr.sharedSecretLength()];
    new SecureRandom().nextBytes(secret);
    KeyPair bobRatchet = KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    byte[] ad = associatedData(profile);
    return new Pair(
        dr.initInitiator(secret, bobRatchet.getPublic(), ad),
        dr.initResponder(secret, bobRatchet, ad));
  }

  static byte[] associatedData(String profile) {
    if (!profile.equals(DoubleRatchet.SIGNAL_V3_PROFILE)) {
      return "alice|bob".getBytes(StandardCharsets.UTF_8);
    }
    byte[] ad = new byte[66];
    new SecureRandom().nextBytes(ad);
    ad[0] = 5;
    ad[33] = 5;
    return ad;
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void conversationWithTurnsOutOfOrderAndReplays(String profile) throws Exception {
    Pair p = pair(profile);
    for (int round = 0; round < 5; round++) {
      List<byte[]> fromAlice = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        fromAlice.add(p.alice().encrypt(text("a" + round + "." + i)));
      }
      // Deliver 3, 0, 2 and then 1: out of order within the chain.
      for (int i : new int[] {3, 0, 2, 1}) {
        assertArrayEquals(text("a" + round + "." + i), p.bob().decrypt(fromAlice.get(i)));
      }
      for (byte[] m : fromAlice) {
        assertThrows(GeneralSecurityException.class, () -> p.bob().decrypt(m));
      }
      byte[] reply = p.bob().encrypt(text("b" + round));
      assertArrayEquals(text("b" + round), p.alice().decrypt(reply));
      RatchetException replay =
          assertThrows(RatchetException.class, () -> p.alice().decrypt(reply));
      assertEquals(RatchetException.Reason.REPLAYED, replay.reason());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void lateMessagesFromAnEarlierChainAndSerialization(String profile) throws Exception {
    Pair p = pair(profile);
    byte[] early = p.alice().encrypt(text("early"));
    byte[] first = p.alice().encrypt(text("first"));
    assertArrayEquals(text("first"), p.bob().decrypt(first));
    assertArrayEquals(text("reply"), p.alice().decrypt(p.bob().encrypt(text("reply"))));
    byte[] next = p.alice().encrypt(text("next"));
    DoubleRatchet dr = DoubleRatchet.getInstance(profile, PROVIDER);
    RatchetSession bob = dr.restore(p.bob().serialize());
    p.bob().destroy();
    assertTrue(p.bob().isDestroyed());
    assertArrayEquals(text("next"), bob.decrypt(next));
    assertArrayEquals(text("early"), bob.decrypt(early));
    byte[] blob = bob.serialize();
    blob[blob.length / 2] ^= 1;
    RatchetException corrupt = assertThrows(RatchetException.class, () -> dr.restore(blob));
    assertEquals(RatchetException.Reason.CORRUPT_STATE, corrupt.reason());
    byte[] forged = p.alice().encrypt(text("x"));
    forged[forged.length - 1] ^= 1;
    assertThrows(AEADBadTagException.class, () -> bob.decrypt(forged));
  }
}
