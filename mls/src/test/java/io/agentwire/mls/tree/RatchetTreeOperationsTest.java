package io.agentwire.mls.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.crypto.Suite;
import io.agentwire.mls.internal.message.LeafNode;
import io.agentwire.mls.internal.message.Node;
import io.agentwire.mls.internal.message.ParentNode;
import io.agentwire.mls.internal.tree.LeafIndex;
import io.agentwire.mls.internal.tree.NodeIndex;
import io.agentwire.mls.internal.tree.RatchetTree;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Add, Remove, extension, truncation, unmerged leaves and filtered paths on small trees. */
class RatchetTreeOperationsTest {

  static LeafNode leaf(int i) {
    return TreeHashCostTest.leaf(i, LeafNode.KEY_PACKAGE);
  }

  static List<Integer> values(List<NodeIndex> l) {
    return l.stream().map(NodeIndex::value).toList();
  }

  @Test
  void addFillsTheLeftmostBlankThenExtendsAndRemoveTruncates() throws Exception {
    Suite suite = TestSuites.of(1);
    RatchetTree t = RatchetTree.create(suite, leaf(0));
    assertEquals(1, t.leafCount());
    assertEquals(LeafIndex.of(1), t.addLeaf(leaf(1)));
    assertEquals(2, t.leafCount());
    assertEquals(LeafIndex.of(2), t.addLeaf(leaf(2)));
    assertEquals(4, t.leafCount());
    assertEquals(LeafIndex.of(3), t.addLeaf(leaf(3)));
    t.removeLeaf(LeafIndex.of(1));
    assertEquals(4, t.leafCount());
    assertEquals(LeafIndex.of(1), t.addLeaf(leaf(4)), "the leftmost blank leaf is reused");
    t.removeLeaf(LeafIndex.of(3));
    assertEquals(4, t.leafCount(), "leaf 2 keeps the right half");
    t.removeLeaf(LeafIndex.of(2));
    assertEquals(2, t.leafCount());
    t.removeLeaf(LeafIndex.of(1));
    assertEquals(1, t.leafCount());
    assertEquals(List.of(LeafIndex.of(0)), t.members());
    assertArrayEquals(RatchetTree.decode(suite, t.encode()).treeHash(), t.treeHash());
  }

  /** The tree of RFC 9420 §4.1.2: A B _ _ E F G _ with T, X and Y and W set, U, V, Z blank. */
  @Test
  void filteredDirectPathsOfTheRfcExample() throws Exception {
    Suite suite = TestSuites.of(1);
    Node[] n = new Node[15];
    int[] members = {0, 1, 4, 5, 6};
    for (int m : members) {
      n[2 * m] = Node.leaf(leaf(m));
    }
    for (int p : new int[] {1, 9, 11, 7}) { // T, X, Y, W
      n[p] = Node.parent(new ParentNode(new byte[] {(byte) p}, new byte[0], List.of()));
    }
    RatchetTree t = RatchetTree.fromNodes(suite, Arrays.asList(n).subList(0, 13));
    assertEquals(List.of(1, 7), values(t.filteredDirectPath(LeafIndex.of(0))));
    assertEquals(List.of(1, 7), values(t.filteredDirectPath(LeafIndex.of(1))));
    assertEquals(List.of(9, 11, 7), values(t.filteredDirectPath(LeafIndex.of(4))));
    assertEquals(List.of(9, 11, 7), values(t.filteredDirectPath(LeafIndex.of(5))));
    assertEquals(List.of(11, 7), values(t.filteredDirectPath(LeafIndex.of(6))));
    assertEquals(List.of(0, 11), values(t.filteredCopath(LeafIndex.of(1))));
    // resolution of the root: W only; of U (blank): T; of V: nothing
    assertEquals(List.of(7), values(t.resolution(NodeIndex.of(7))));
    assertEquals(List.of(1), values(t.resolution(NodeIndex.of(3))));
    assertEquals(List.of(), values(t.resolution(NodeIndex.of(5))));

    // adding fills leaf 2 and marks it unmerged at W only (U is blank); T is not above it
    LeafIndex added = t.addLeaf(leaf(7));
    assertEquals(LeafIndex.of(2), added);
    assertEquals(List.of(2), t.parentNode(NodeIndex.of(7)).unmergedLeaves());
    assertEquals(List.of(), t.parentNode(NodeIndex.of(1)).unmergedLeaves());
    assertEquals(List.of(7, 4), values(t.resolution(NodeIndex.of(7))));
    assertEquals(
        List.of(7),
        values(t.resolution(NodeIndex.of(7), java.util.Set.of(LeafIndex.of(2)))),
        "a joiner of the same commit is left out");
    // now the copath of leaf 0 at U has a member: U joins leaf 0's filtered path
    assertEquals(List.of(1, 3, 7), values(t.filteredDirectPath(LeafIndex.of(0))));
    t.verifyUnmergedLeaves();
  }

  @Test
  void shapeAndUnmergedRulesAreEnforced() throws Exception {
    Suite suite = TestSuites.of(1);
    List<Node> trailingBlank = new ArrayList<>(Arrays.asList(Node.leaf(leaf(0)), null, null));
    MlsException e =
        assertThrows(MlsException.class, () -> RatchetTree.fromNodes(suite, trailingBlank));
    assertEquals(MlsException.Reason.INVALID, e.reason());
    List<Node> parentAtLeaf =
        Arrays.asList(
            Node.parent(new ParentNode(new byte[] {1}, new byte[0], List.of())),
            null,
            Node.leaf(leaf(1)));
    assertThrows(MlsException.class, () -> RatchetTree.fromNodes(suite, parentAtLeaf));
    assertThrows(MlsException.class, () -> RatchetTree.fromNodes(suite, List.of()));
    // unmerged leaf that is blank, outside, or beyond 2^31
    for (int bad : new int[] {1, 5, -1}) {
      List<Node> nodes =
          Arrays.asList(
              Node.leaf(leaf(0)),
              Node.parent(new ParentNode(new byte[] {9}, new byte[0], List.of(bad))),
              bad == 1 ? null : Node.leaf(leaf(1)));
      if (bad == 1) {
        nodes = new ArrayList<>(nodes);
        nodes.set(2, Node.leaf(leaf(1)));
        nodes.set(0, Node.leaf(leaf(0)));
        nodes.set(1, Node.parent(new ParentNode(new byte[] {9}, new byte[0], List.of(1, 1))));
      }
      RatchetTree t = RatchetTree.fromNodes(suite, nodes);
      t.resolution(NodeIndex.of(1)); // never an index exception
      MlsException u = assertThrows(MlsException.class, t::verifyUnmergedLeaves, "entry " + bad);
      assertEquals(MlsException.Reason.INVALID, u.reason());
    }
    RatchetTree t = RatchetTree.create(suite, leaf(0));
    assertNull(t.leafNode(LeafIndex.of(5)));
    assertThrows(MlsException.class, () -> LeafIndex.fromWire(-1, 4));
    assertThrows(MlsException.class, () -> LeafIndex.fromWire(4, 4));
  }
}
