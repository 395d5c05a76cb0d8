package io.agentwire.mls.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.MlsException.Reason;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.schedule.SecretTree;
import io.agentwire.mls.internal.schedule.SecretTree.Limits;
import io.agentwire.mls.internal.schedule.SecretTree.PendingKey;
import io.agentwire.mls.internal.schedule.SecretTree.RatchetType;
import java.util.Arrays;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/** SecretTree's snapshot encoding and its send lease. */
class SecretTreeSnapshotTest {

  private static final RatchetType APP = RatchetType.APPLICATION;

  private static byte[] receive(SecretTree t, int leaf, long gen) throws MlsException {
    try (PendingKey k = t.receiveKey(leaf, APP, gen)) {
      byte[] key = k.key().clone();
      k.commit();
      return key;
    }
  }

  private static byte[] snapshot(SecretTree t, int ownLeaf, long lease) throws MlsException {
    TlsWriter w = new TlsWriter();
    t.write(w, ownLeaf, lease);
    return w.toByteArray();
  }

  private static SecretTree restore(Suite suite, byte[] bytes) throws MlsException {
    TlsReader r = new TlsReader(bytes);
    SecretTree t = SecretTree.read(suite, r, Limits.DEFAULT);
    r.finish("secret tree");
    return t;
  }

  @Test
  void aRestoredTreeGoesOnWhereTheOriginalStood() throws Exception {
    Suite suite = ScheduleVectors.suite(1, new HashSet<>());
    byte[] root = new byte[32];
    Arrays.fill(root, (byte) 3);
    SecretTree live = new SecretTree(suite, root, 5, Limits.DEFAULT);
    SecretTree reference = new SecretTree(suite, root, 5, Limits.DEFAULT);
    receive(live, 3, 4); // generations 0..3 of leaf 3 retained as skipped keys
    receive(live, 1, 0);
    SecretTree restored = restore(suite, snapshot(live, -1, 0));
    assertEquals(4, restored.retainedSkippedKeys());
    assertEquals(
        Reason.SECRET_CONSUMED,
        assertThrows(MlsException.class, () -> restored.receiveKey(3, APP, 4)).reason());
    assertArrayEquals(receive(reference, 3, 2), receive(restored, 3, 2));
    assertArrayEquals(receive(reference, 3, 9), receive(restored, 3, 9));
    assertArrayEquals(receive(reference, 4, 0), receive(restored, 4, 0));
    assertArrayEquals(receive(reference, 0, 1), receive(restored, 0, 1));
  }

  @Test
  void theLeaseMovesOnlyTheRestoredSender() throws Exception {
    Suite suite = ScheduleVectors.suite(1, new HashSet<>());
    byte[] root = new byte[32];
    SecretTree live = new SecretTree(suite, root, 2, Limits.DEFAULT);
    SecretTree receiver = new SecretTree(suite, root, 2, Limits.DEFAULT);
    live.sendKey(0, APP).close();
    byte[] snap = snapshot(live, 0, 100);
    assertEquals(1, live.nextGeneration(0, APP)); // the live tree has not moved
    SecretTree restored = restore(suite, snap);
    assertEquals(101, restored.nextGeneration(0, APP));
    assertEquals(100, restored.nextGeneration(0, RatchetType.HANDSHAKE));
    try (PendingKey k = restored.sendKey(0, APP)) {
      assertEquals(101, k.generation());
      assertArrayEquals(receive(receiver, 0, 101), k.key());
    }
  }

  @Test
  void aDamagedSnapshotIsAnMlsExceptionNeverACrash() throws Exception {
    Suite suite = ScheduleVectors.suite(1, new HashSet<>());
    SecretTree live = new SecretTree(suite, new byte[32], 4, Limits.DEFAULT);
    receive(live, 2, 3);
    byte[] snap = snapshot(live, 1, 2);
    for (int cut = 0; cut < snap.length; cut++) {
      byte[] truncated = Arrays.copyOf(snap, cut);
      assertThrows(MlsException.class, () -> restore(suite, truncated), "cut at " + cut);
    }
    for (int i = 0; i < snap.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = snap.clone();
        flipped[i] ^= (byte) (1 << bit);
        try {
          restore(suite, flipped);
        } catch (MlsException expected) {
          // a refused snapshot; a flipped secret byte is accepted (it is not authenticated here)
        }
      }
    }
  }
}
