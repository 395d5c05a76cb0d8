package io.agentwire.mls.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.SecretTree.Limits;
import io.agentwire.mls.internal.schedule.SecretTree.PendingKey;
import io.agentwire.mls.internal.schedule.SecretTree.RatchetType;
import java.util.Arrays;
import java.util.HashSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The secret tree's bounds, deletion schedule and tentative derivation (RFC 9420 §9.2). */
class SecretTreeBoundsTest {

  private static final RatchetType APP = RatchetType.APPLICATION;
  private Suite suite;
  private byte[] root;

  @BeforeEach
  void setUp() throws MlsException {
    suite = ScheduleVectors.suite(1, new HashSet<>());
    root = new byte[suite.hashLength()];
    Arrays.fill(root, (byte) 7);
  }

  private SecretTree tree(int leaves, Limits limits) throws MlsException {
    return new SecretTree(suite, root, leaves, limits);
  }

  private static byte[] keyOf(SecretTree t, int leaf, long gen) throws MlsException {
    try (PendingKey k = t.receiveKey(leaf, APP, gen)) {
      byte[] key = k.key().clone();
      k.commit();
      return key;
    }
  }

  private static Reason reasonOf(SecretTree t, int leaf, long gen) {
    return assertThrows(MlsException.class, () -> t.receiveKey(leaf, APP, gen).close()).reason();
  }

  @Test
  void aHugeGenerationFailsAtOnceAndChangesNothing() throws Exception {
    SecretTree t = tree(2, Limits.DEFAULT);
    long start = System.nanoTime();
    assertEquals(Reason.LIMIT_EXCEEDED, reasonOf(t, 1, 4_000_000_000L));
    assertEquals(Reason.LIMIT_EXCEEDED, reasonOf(t, 1, 0xffffffffL));
    assertEquals(Reason.LIMIT_EXCEEDED, reasonOf(t, 1, 1L << 32));
    assertTrue(System.nanoTime() - start < 1_000_000_000L, "must not loop");
    assertEquals(1, t.retainedNodeSecrets(), "nothing derived");
    SecretTree fresh = tree(2, Limits.DEFAULT);
    assertArrayEquals(keyOf(fresh, 1, 0), keyOf(t, 1, 0));
  }

  @Test
  void theForwardGapIsBoundedExactly() throws Exception {
    SecretTree t = tree(4, Limits.DEFAULT);
    keyOf(t, 2, 1000); // a gap of exactly 1,000 from generation 0
    assertEquals(Reason.LIMIT_EXCEEDED, reasonOf(t, 2, 2002)); // next is 1001: a gap of 1,001
    keyOf(t, 2, 2001);
  }

  @Test
  void aConsumedKeyIsNotReusable() throws Exception {
    SecretTree t = tree(2, Limits.DEFAULT);
    keyOf(t, 0, 0);
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 0, 0));
    keyOf(t, 0, 3); // skips 1 and 2
    keyOf(t, 0, 1); // out of order: kept once
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 0, 1));
    assertEquals(1, t.retainedSkippedKeys()); // generation 2
    keyOf(t, 0, 2);
    assertEquals(0, t.retainedSkippedKeys());
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 0, 2));
    // The handshake ratchet is separate.
    try (PendingKey k = t.receiveKey(0, RatchetType.HANDSHAKE, 0)) {
      k.commit();
    }
  }

  @Test
  void anUncommittedKeyLeavesTheTreeAsItWas() throws Exception {
    SecretTree t = tree(8, Limits.DEFAULT);
    byte[] expected = keyOf(tree(8, Limits.DEFAULT), 5, 10);
    for (int i = 0; i < 3; i++) {
      try (PendingKey k = t.receiveKey(5, APP, 10)) {
        assertArrayEquals(expected, k.key()); // the AEAD would fail here; no commit
      }
    }
    assertEquals(1, t.retainedNodeSecrets());
    assertEquals(0, t.retainedSkippedKeys());
    MlsException failed =
        assertThrows(
            MlsException.class,
            () ->
                t.withReceiveKey(
                    5,
                    APP,
                    10,
                    (key, nonce) -> {
                      throw new MlsException(Reason.DECRYPT_FAILED, "bad tag");
                    }));
    assertEquals(Reason.DECRYPT_FAILED, failed.reason());
    assertEquals(1, t.retainedNodeSecrets());
    assertArrayEquals(expected, t.withReceiveKey(5, APP, 10, (key, nonce) -> key.clone()));
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 5, 10));
    assertEquals(10, t.retainedSkippedKeys());
  }

  @Test
  void aStalePendingKeyCannotCommit() throws Exception {
    SecretTree t = tree(2, Limits.DEFAULT);
    PendingKey a = t.receiveKey(0, APP, 0);
    PendingKey b = t.receiveKey(0, APP, 0);
    a.commit();
    assertEquals(Reason.STATE, assertThrows(MlsException.class, b::commit).reason());
    a.close();
    b.close();
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 0, 0));

    // Keys of different ratchets do not conflict; the same ratchet moving does.
    keyOf(t, 1, 0);
    PendingKey c = t.receiveKey(0, APP, 1);
    PendingKey d = t.receiveKey(1, APP, 1);
    PendingKey e = t.receiveKey(1, APP, 5);
    d.commit();
    c.commit();
    assertEquals(Reason.STATE, assertThrows(MlsException.class, e::commit).reason());
    c.close();
    d.close();
    e.close();
    keyOf(t, 1, 5);
  }

  @Test
  void skippedKeysAreBoundedPerLeafAndInTotal() throws Exception {
    SecretTree t = tree(4, new Limits(1000, 256, 300));
    keyOf(t, 0, 1000);
    assertEquals(256, t.retainedSkippedKeys());
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 0, 743));
    keyOf(t, 0, 744);
    keyOf(t, 0, 999);
    assertEquals(254, t.retainedSkippedKeys());
    keyOf(t, 1, 100); // 100 more: 354 > 300, so leaf 0's 54 oldest go
    assertEquals(300, t.retainedSkippedKeys());
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(t, 0, 745));
    keyOf(t, 0, 745 + 54); // the oldest one left
    keyOf(t, 1, 0);
    // Both ratchets of a leaf share the per-leaf bound.
    SecretTree u = tree(2, new Limits(1000, 10, 1000));
    keyOf(u, 1, 8);
    try (PendingKey k = u.receiveKey(1, RatchetType.HANDSHAKE, 8)) {
      k.commit();
    }
    assertEquals(10, u.retainedSkippedKeys());
    assertEquals(Reason.SECRET_CONSUMED, reasonOf(u, 1, 5));
  }

  @Test
  void aLargeGroupDerivesOnlyThePathsItUses() throws Exception {
    SecretTree t = tree(10_000, Limits.DEFAULT);
    assertEquals(1, t.retainedNodeSecrets());
    keyOf(t, 5000, 0);
    // 16,384 leaves wide: one sibling kept per level of the 14 below the root.
    assertEquals(14, t.retainedNodeSecrets());
    keyOf(t, 5001, 0);
    assertEquals(13, t.retainedNodeSecrets());
    keyOf(t, 9999, 0);
    assertEquals(Reason.INVALID, reasonOf(t, 10_000, 0));
    assertEquals(Reason.INVALID, reasonOf(t, -1, 0));
  }

  @Test
  void aSenderNeverReusesAGenerationAndAReceiverGetsItsKeys() throws Exception {
    SecretTree sender = tree(3, Limits.DEFAULT);
    SecretTree receiver = tree(3, Limits.DEFAULT);
    for (long g = 0; g < 5; g++) {
      try (PendingKey k = sender.sendKey(2, APP)) {
        assertTrue(k.isCommitted());
        assertEquals(g, k.generation());
        assertArrayEquals(keyOf(receiver, 2, g), k.key());
      }
    }
  }

  @Test
  void aDestroyedTreeRefusesEverything() throws Exception {
    SecretTree t = tree(2, Limits.DEFAULT);
    PendingKey pending = t.receiveKey(0, APP, 0);
    t.destroy();
    assertTrue(t.isDestroyed());
    assertEquals(Reason.STATE, reasonOf(t, 0, 0));
    assertEquals(Reason.STATE, assertThrows(MlsException.class, pending::commit).reason());
    pending.close();
    assertFalse(t.toString().contains("07070707"));
  }
}
