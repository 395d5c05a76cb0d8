package io.agentwire.provider.ratchet.internal;

import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetPairs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secure deletion (specification section 6.1) inside the session object: destroy() zeroes every key
 * array the session holds, and a DH ratchet step zeroes the keys it replaces, so a later memory
 * disclosure finds nothing of them.
 */
class RatchetStateWipeTest {

  /** {@link RatchetPairs.Pair} as the internal state both sessions are. */
  record Pair(RatchetState alice, RatchetState bob) {}

  static Pair pair(String profile) throws Exception {
    RatchetPairs.Pair p = RatchetPairs.pair(profile);
    return new Pair((RatchetState) p.alice(), (RatchetState) p.bob());
  }

  private static boolean zero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /** Every secret array of the state: keys, chain keys, header keys, stored message keys. */
  private static List<byte[]> secrets(RatchetState s, String profile) {
    RatchetState.Fields f = s.fields();
    List<byte[]> out = new ArrayList<>();
    for (byte[] b : new byte[][] {f.dhsPrivate, f.rk, f.cks, f.ckr, f.hks, f.hkr, f.nhks, f.nhkr}) {
      if (b != null) {
        out.add(b);
      }
    }
    for (Map.Entry<RatchetState.SkipKey, byte[]> e : f.skipped.entrySet()) {
      out.add(e.getValue());
      if (profile.equals(DoubleRatchet.HEADER_ENCRYPTED_PROFILE)) {
        out.add(e.getKey().chain()); // a header key
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void destroyZeroesEveryKeyTheSessionHolds(String profile) throws Exception {
    Pair p = pair(profile);
    p.alice().encrypt(text("skipped on Alice's first chain"));
    p.bob().decrypt(p.alice().encrypt(text("a0")));
    p.alice().decrypt(p.bob().encrypt(text("b0")));
    p.alice().encrypt(text("skipped on Alice's second chain"));
    p.bob().decrypt(p.alice().encrypt(text("a1")));
    List<byte[]> secrets = secrets(p.bob(), profile);
    assertTrue(p.bob().storedSkippedKeys() >= 2);
    assertTrue(secrets.size() >= (profile.equals(DoubleRatchet.HEADER_ENCRYPTED_PROFILE) ? 12 : 6));
    for (byte[] b : secrets) {
      assertFalse(zero(b), "a live key is all zero before destroy");
    }
    p.bob().destroy();
    for (byte[] b : secrets) {
      assertTrue(zero(b), "destroy() left a key in memory");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void aDhRatchetStepZeroesTheKeysItReplaces(String profile) throws Exception {
    Pair p = pair(profile);
    p.bob().decrypt(p.alice().encrypt(text("a0")));
    p.alice().decrypt(p.bob().encrypt(text("b0")));
    RatchetState.Fields before = p.bob().fields();
    byte[] onNewChain = p.alice().encrypt(text("a1"));
    assertArrayEquals(text("a1"), p.bob().decrypt(onNewChain));
    for (byte[] replaced : new byte[][] {before.dhsPrivate, before.rk, before.cks, before.ckr}) {
      assertNotNull(replaced);
      assertTrue(zero(replaced), "a replaced key was left in memory");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        DoubleRatchet.DEFAULT_PROFILE,
        DoubleRatchet.HEADER_ENCRYPTED_PROFILE,
        DoubleRatchet.SIGNAL_V3_PROFILE
      })
  void usedMessageKeysAreZeroed(String profile) throws Exception {
    Pair p = pair(profile);
    byte[] skipped = p.alice().encrypt(text("skipped"));
    p.bob().decrypt(p.alice().encrypt(text("a1")));
    byte[] chainKey = p.bob().fields().ckr;
    byte[] storedKey = p.bob().fields().skipped.values().iterator().next();
    assertFalse(zero(storedKey));
    assertArrayEquals(text("skipped"), p.bob().decrypt(skipped));
    assertTrue(zero(storedKey), "the skipped message's key survived its use");
    p.bob().decrypt(p.alice().encrypt(text("a2")));
    assertTrue(zero(chainKey), "the previous receiving chain key survived the step");
  }
}
