package io.agentwire.provider.ratchet;

import static io.agentwire.provider.ratchet.RatchetPairs.PROVIDER;
import static io.agentwire.provider.ratchet.RatchetPairs.associatedData;
import static io.agentwire.provider.ratchet.RatchetPairs.pair;
import static io.agentwire.testsupport.Bytes.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.provider.ratchet.RatchetPairs.Pair;
import io.agentwire.provider.x3dh.X3dh;
import io.agentwire.provider.x3dh.X3dhException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DoubleRatchetTest {

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

  /**
   * SignalV3 writes PN as libsignal does (SessionCipher sets its previous counter to max(Ns - 1,
   * 0)): the index of the last message of the previous chain, not the count. A libsignal peer
   * ignores PN, but the key of that last message must still be kept when it arrives late.
   */
  @Test
  void signalV3WritesPnAsTheIndexOfThePreviousChainsLastMessage() throws Exception {
    Pair p = pair(DoubleRatchet.SIGNAL_V3_PROFILE);
    List<byte[]> first = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      first.add(p.alice().encrypt(text("a" + i)));
      assertEquals(0, signalField(first.get(i), 3), "no previous chain yet");
    }
    assertArrayEquals(text("a0"), p.bob().decrypt(first.get(0)));
    byte[] reply = p.bob().encrypt(text("b0"));
    // Bob sent nothing under his signed prekey before: libsignal writes 0 for that too.
    assertEquals(0, signalField(reply, 3));
    assertArrayEquals(text("b0"), p.alice().decrypt(reply));
    byte[] next = p.alice().encrypt(text("a3"));
    assertEquals(0, signalField(next, 2));
    assertEquals(2, signalField(next, 3), "three messages sent on the previous chain");
    assertArrayEquals(text("a3"), p.bob().decrypt(next));
    // The last message of the previous chain, late, and the one before it.
    assertArrayEquals(text("a2"), p.bob().decrypt(first.get(2)));
    assertArrayEquals(text("a1"), p.bob().decrypt(first.get(1)));
  }

  /** PN 0 may stand for one message or none: with MAX_SKIP 0 that must not refuse a reply. */
  @Test
  void signalV3WithMaxSkipZeroStillTalksInOrder() throws Exception {
    DoubleRatchet dr =
        DoubleRatchet.getInstance(DoubleRatchet.SIGNAL_V3_PROFILE, PROVIDER).setLimits(0, 0);
    byte[] secret = new byte[dr.sharedSecretLength()];
    new SecureRandom().nextBytes(secret);
    KeyPair bobRatchet = KeyPairGenerator.getInstance("X25519", PROVIDER).generateKeyPair();
    byte[] ad = associatedData(DoubleRatchet.SIGNAL_V3_PROFILE);
    RatchetSession alice = dr.initInitiator(secret, bobRatchet.getPublic(), ad);
    RatchetSession bob = dr.initResponder(secret, bobRatchet, ad);
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i <= round; i++) {
        assertArrayEquals(text("a" + i), bob.decrypt(alice.encrypt(text("a" + i))));
      }
      for (int i = 0; i <= round; i++) {
        assertArrayEquals(text("b" + i), alice.decrypt(bob.encrypt(text("b" + i))));
      }
    }
  }

  /** A varint field of a SignalMessage (0x33, then protobuf, then an 8-byte MAC). */
  static long signalField(byte[] message, int field) {
    int[] at = {1};
    int end = message.length - 8;
    while (at[0] < end) {
      long tag = varint(message, at);
      if ((tag & 7) == 2) {
        int length = (int) varint(message, at);
        at[0] += length;
      } else if (tag >>> 3 == field) {
        return varint(message, at);
      } else {
        varint(message, at);
      }
    }
    throw new AssertionError("no field " + field);
  }

  private static long varint(byte[] b, int[] at) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int x = b[at[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
  }

  /**
   * A SignalMessage whose ciphertext length is a ten-byte varint with bit 63 set is malformed, not
   * a NegativeArraySizeException (or a 2 GiB allocation) in the receiver.
   */
  @Test
  void signalV3RefusesALengthWithBit63Set() throws Exception {
    Pair p = pair(DoubleRatchet.SIGNAL_V3_PROFILE);
    byte[] message = HexFormat.of().parseHex("3322ffffffffffffffffff01aabbccdd0011223344556677");
    RatchetException e = assertThrows(RatchetException.class, () -> p.bob().decrypt(message));
    assertEquals(RatchetException.Reason.MALFORMED, e.reason());
    X3dh x3dh = X3dh.getInstance(X3dh.SIGNAL_V3_PROFILE, PROVIDER);
    byte[] initial = HexFormat.of().parseHex("3322ffffffffffffffffff01aabbccdd");
    X3dhException x = assertThrows(X3dhException.class, () -> x3dh.parseInitialMessage(initial));
    assertEquals(X3dhException.Reason.MALFORMED, x.reason());
    // The session is unharmed.
    assertArrayEquals(text("still"), p.bob().decrypt(p.alice().encrypt(text("still"))));
  }
}
