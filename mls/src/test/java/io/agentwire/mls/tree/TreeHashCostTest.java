package io.agentwire.mls.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.Capabilities;
import io.agentwire.mls.internal.message.Credential;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Lifetime;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.RatchetTree;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The tree-hash cache makes the hashing of one change O(log N): counts the hash computations of an
 * Update, a merged path and a Remove at 16, 1,024 and 10,000 members, and checks the cached result
 * against a fresh computation.
 */
class TreeHashCostTest {

  static final AtomicInteger HASHES = new AtomicInteger();

  static Suite countingSuite() throws Exception {
    Suite real = TestSuites.of(1);
    return (Suite)
        Proxy.newProxyInstance(
            Suite.class.getClassLoader(),
            new Class<?>[] {Suite.class},
            (proxy, m, args) -> {
              if (m.getName().equals("hash")) {
                HASHES.incrementAndGet();
              }
              try {
                return m.invoke(real, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  static byte[] key(int tag, int i) {
    return ByteBuffer.allocate(32).putInt(tag).putInt(i).array();
  }

  static LeafNode leaf(int i, int source) {
    return new LeafNode(
        key(1, i),
        key(2, i),
        Credential.basic(("member " + i).getBytes()),
        new Capabilities(List.of(1), List.of(1), List.of(), List.of(), List.of(1)),
        source,
        source == LeafNode.KEY_PACKAGE ? new Lifetime(0, Long.MAX_VALUE) : null,
        source == LeafNode.COMMIT ? new byte[32] : null,
        List.of(),
        new byte[64]);
  }

  record Costs(int update, int path, int remove) {}

  static Costs costs(int n) throws Exception {
    Suite suite = countingSuite();
    RatchetTree tree = RatchetTree.create(suite, leaf(0, LeafNode.KEY_PACKAGE));
    for (int i = 1; i < n; i++) {
      tree.addLeaf(leaf(i, LeafNode.KEY_PACKAGE));
    }
    tree.treeHash();
    LeafIndex who = LeafIndex.of(n / 2 - 1);

    HASHES.set(0);
    tree.updateLeaf(who, leaf(100_000 + n, LeafNode.UPDATE));
    tree.treeHash();
    int update = HASHES.get();

    HASHES.set(0);
    List<byte[]> keys = new ArrayList<>();
    int size = tree.filteredDirectPath(who).size();
    for (int i = 0; i < size; i++) {
      keys.add(key(3, i));
    }
    byte[] ph = tree.mergePathNodes(who, keys);
    LeafNode l = leaf(200_000 + n, LeafNode.COMMIT);
    tree.setCommitLeaf(
        who,
        new LeafNode(
            l.encryptionKey(),
            l.signatureKey(),
            l.credential(),
            l.capabilities(),
            LeafNode.COMMIT,
            null,
            ph,
            l.extensions(),
            l.signature()),
        ph);
    tree.treeHash();
    int path = HASHES.get();

    HASHES.set(0);
    tree.removeLeaf(LeafIndex.of(n / 4));
    tree.treeHash();
    int remove = HASHES.get();

    assertArrayEquals(RatchetTree.decode(suite, tree.encode()).treeHash(), tree.treeHash());
    return new Costs(update, path, remove);
  }

  @Test
  void oneChangeHashesOnlyItsDirectPath() throws Exception {
    Costs c16 = costs(16);
    Costs c1024 = costs(1024);
    Costs c10000 = costs(10_000);
    System.out.println(
        "hash calls (update, path, remove): 16 " + c16 + ", 1024 " + c1024 + ", 10000 " + c10000);
    // log2(N)+1 tree hashes for an update or remove
    assertEquals(5, c16.update());
    assertEquals(11, c1024.update());
    assertEquals(15, c10000.update());
    assertTrue(c1024.remove() <= 11 && c10000.remove() <= 15);
    // a path also computes one parent hash per filtered-direct-path node
    assertEquals(5 + 4, c16.path());
    assertEquals(11 + 10, c1024.path());
    assertTrue(c10000.path() <= 15 + 14);
  }
}
