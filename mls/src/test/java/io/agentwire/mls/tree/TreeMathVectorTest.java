package io.agentwire.mls.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentwire.mls.internal.tree.TreeMath;
import io.agentwire.testsupport.SharedVectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tree-math.json: root, left, right, parent and sibling of every node for 1..512 leaves. */
class TreeMathVectorTest {

  @Test
  void everyVectorEntry() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(SharedVectors.file("mls/tree-math.json").toFile());
    int checked = 0;
    assertEquals(10, cases.size());
    for (JsonNode c : cases) {
      int n = c.get("n_leaves").asInt();
      assertEquals(c.get("n_nodes").asInt(), TreeMath.nodeWidth(n), "n_nodes " + n);
      assertEquals(c.get("root").asInt(), TreeMath.root(n), "root " + n);
      int w = TreeMath.nodeWidth(n);
      for (int i = 0; i < w; i++) {
        final int node = i;
        check(c.get("left").get(i), () -> TreeMath.left(node), "left", n, i);
        check(c.get("right").get(i), () -> TreeMath.right(node), "right", n, i);
        check(c.get("parent").get(i), () -> TreeMath.parent(node, n), "parent", n, i);
        check(c.get("sibling").get(i), () -> TreeMath.sibling(node, n), "sibling", n, i);
        checked += 4;
      }
    }
    assertTrue(checked > 4000, "checked " + checked);
  }

  private static void check(JsonNode expected, IntOp op, String what, int n, int i) {
    if (expected.isNull()) {
      assertThrows(IllegalArgumentException.class, op::get, what + " of " + i + " in " + n);
    } else {
      assertEquals(expected.asInt(), op.get(), what + " of " + i + " in " + n);
    }
  }

  interface IntOp {
    int get();
  }

  @Test
  void directPathCopathAndCommonAncestorAgreeWithParentAndSibling() {
    for (int n = 1; n <= 64; n <<= 1) {
      int w = TreeMath.nodeWidth(n);
      int root = TreeMath.root(n);
      for (int x = 0; x < w; x++) {
        List<Integer> dp = new ArrayList<>();
        List<Integer> cp = new ArrayList<>();
        for (int y = x; y != root; y = TreeMath.parent(y, n)) {
          dp.add(TreeMath.parent(y, n));
          cp.add(TreeMath.sibling(y, n));
        }
        assertArrayEquals(
            dp.stream().mapToInt(Integer::intValue).toArray(), TreeMath.directPath(x, n));
        assertArrayEquals(cp.stream().mapToInt(Integer::intValue).toArray(), TreeMath.copath(x, n));
        for (int y = 0; y < w; y++) {
          int a = TreeMath.commonAncestor(x, y);
          assertTrue(TreeMath.isInSubtree(a, x) && TreeMath.isInSubtree(a, y));
          if (a != x && a != y) {
            // the lowest: x and y are in different children of a
            boolean xLeft = TreeMath.isInSubtree(TreeMath.left(a), x);
            boolean yLeft = TreeMath.isInSubtree(TreeMath.left(a), y);
            assertTrue(xLeft != yLeft, "common ancestor of " + x + " and " + y);
          }
        }
      }
    }
    assertEquals(0, TreeMath.root(1));
    assertEquals(0, TreeMath.directPath(0, 1).length);
  }
}
