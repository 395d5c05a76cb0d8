package io.agentwire.provider.ratchet.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.provider.backend.Primitive;
import io.agentwire.provider.backend.internal.Backends;
import io.agentwire.provider.ratchet.DoubleRatchet;
import io.agentwire.provider.ratchet.RatchetException;
import io.agentwire.provider.ratchet.RatchetException.Reason;
import io.agentwire.testsupport.XecKeys;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;

/**
 * Forged headers in the header-encryption profile, made with the sender's header keys (so the
 * header authenticates and the receiver acts on it, as it would for a peer gone rogue): a counter
 * of 2^32 - 1 is TOO_MANY_SKIPPED without deriving keys, a small-order ratchet key is refused, and
 * the session is unchanged.
 */
class RatchetForgedHeaderTest {

  private static final RatchetProfile HE =
      RatchetProfiles.builtIn().byName(DoubleRatchet.HEADER_ENCRYPTED_PROFILE);
  private static final long MAX_N = 0xffffffffL;

  private static final List<byte[]> SMALL_ORDER = XecKeys.X25519_SMALL_ORDER;

  /** A message from Alice with any header, sealed under {@code headerKey} and a random body key. */
  private static byte[] forge(RatchetState alice, byte[] headerKey, byte[] dh, long pn, long n)
      throws GeneralSecurityException {
    byte[] mk = new byte[32];
    Backends.randomBytes(mk);
    return HE.seal(
        new RatchetProfile.Session(),
        mk,
        new RatchetProfile.Header(dh, pn, n),
        headerKey,
        new byte[8],
        alice.fields().associatedData,
        true);
  }

  private static GeneralSecurityException refused(RatchetState bob, byte[] m) {
    byte[] before = bob.serialize();
    int stored = bob.storedSkippedKeys();
    GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> bob.decrypt(m));
    assertArrayEquals(before, bob.serialize(), "a refused message changed the session");
    assertEquals(stored, bob.storedSkippedKeys());
    return e;
  }

  private static void assertReason(GeneralSecurityException e, Reason reason) {
    assertEquals(reason, assertInstanceOf(RatchetException.class, e).reason(), e.toString());
  }

  @Test
  void forgedHeadersAreRefusedBeforeAnyWork() throws Exception {
    RatchetStateWipeTest.Pair p = RatchetStateWipeTest.pair(DoubleRatchet.HEADER_ENCRYPTED_PROFILE);
    RatchetState alice = p.alice();
    RatchetState bob = p.bob();
    byte[] skipped = alice.encrypt(new byte[] {0});
    bob.decrypt(alice.encrypt(new byte[] {1}));
    alice.decrypt(bob.encrypt(new byte[] {2}));
    bob.decrypt(alice.encrypt(new byte[] {3}));
    byte[] genuine = alice.encrypt(new byte[] {4});
    RatchetState.Fields a = alice.fields();
    byte[] oldHeaderKey = bob.fields().skipped.keySet().iterator().next().chain();

    // The current chain (Bob opens the header with HKr = Alice's HKs).
    for (long n : new long[] {MAX_N, 1L << 31, DoubleRatchet.DEFAULT_MAX_SKIP + 2L}) {
      assertReason(
          refused(bob, forge(alice, a.hks, a.dhsPublic, a.pn, n)), Reason.TOO_MANY_SKIPPED);
    }
    // A new chain (under NHKr = Alice's NHKs): N alone, then PN against the current chain.
    byte[] newKey = new byte[32];
    Backends.dh(Primitive.X25519).publicKey(new byte[32], newKey);
    assertReason(refused(bob, forge(alice, a.nhks, newKey, 0, MAX_N)), Reason.TOO_MANY_SKIPPED);
    assertReason(refused(bob, forge(alice, a.nhks, newKey, MAX_N, 0)), Reason.TOO_MANY_SKIPPED);
    // A chain whose skipped keys are stored: anything but a stored number is REPLAYED.
    assertReason(refused(bob, forge(alice, oldHeaderKey, newKey, 0, MAX_N)), Reason.REPLAYED);
    // Small-order ratchet keys in an authentic header reach the DH and are refused there.
    for (byte[] point : SMALL_ORDER) {
      GeneralSecurityException e = refused(bob, forge(alice, a.nhks, point, 0, 0));
      if (!(e instanceof AEADBadTagException)) {
        assertReason(e, Reason.INVALID_KEY);
      }
    }
    assertArrayEquals(new byte[] {4}, bob.decrypt(genuine));
    assertArrayEquals(new byte[] {0}, bob.decrypt(skipped));
  }
}
