package io.agentwire.mls.internal.tree;

/**
 * The array-representation arithmetic of RFC 9420 Appendix C. Every {@code int} parameter and
 * result here is a <em>node</em> index unless its name says {@code leaf}; {@code leafCount} is the
 * number of leaves, always a power of two in RFC 9420 trees (§7.1). The typed {@link NodeIndex} and
 * {@link LeafIndex} wrap these for callers; the hot loops of the tree use the int forms.
 *
 * <p>All functions are O(1) or O(log N). Callers pass indices inside the tree; out-of-range input
 * is a programming error (IllegalArgumentException), since wire data is range-checked before it
 * gets here.
 */
public final class TreeMath {

  private TreeMath() {}

  /** floor(log2(x)), 0 for x = 0. */
  public static int log2(int x) {
    return x == 0 ? 0 : 31 - Integer.numberOfLeadingZeros(x);
  }

  /** The level of a node: 0 for leaves, the count of trailing one bits otherwise. */
  public static int level(int node) {
    return Integer.numberOfTrailingZeros(~node);
  }

  /** The number of nodes in a tree of {@code leafCount} leaves. */
  public static int nodeWidth(int leafCount) {
    return leafCount == 0 ? 0 : 2 * (leafCount - 1) + 1;
  }

  /** The root's node index. */
  public static int root(int leafCount) {
    int w = nodeWidth(leafCount);
    return (1 << log2(w)) - 1;
  }

  public static int leafToNode(int leaf) {
    return leaf * 2;
  }

  public static int nodeToLeaf(int node) {
    if ((node & 1) != 0) {
      throw new IllegalArgumentException("node " + node + " is not a leaf");
    }
    return node >>> 1;
  }

  public static boolean isLeaf(int node) {
    return (node & 1) == 0;
  }

  /** The left child of a parent node. */
  public static int left(int node) {
    int k = level(node);
    if (k == 0) {
      throw new IllegalArgumentException("leaf " + node + " has no children");
    }
    return node ^ (1 << (k - 1));
  }

  /** The right child of a parent node. */
  public static int right(int node) {
    int k = level(node);
    if (k == 0) {
      throw new IllegalArgumentException("leaf " + node + " has no children");
    }
    return node ^ (3 << (k - 1));
  }

  /** The parent of a non-root node. */
  public static int parent(int node, int leafCount) {
    if (node == root(leafCount)) {
      throw new IllegalArgumentException("the root has no parent");
    }
    checkInTree(node, leafCount);
    int k = level(node);
    int b = (node >>> (k + 1)) & 1;
    return (node | (1 << k)) ^ (b << (k + 1));
  }

  /** The other child of this node's parent. */
  public static int sibling(int node, int leafCount) {
    int p = parent(node, leafCount);
    return node < p ? right(p) : left(p);
  }

  /**
   * The direct path (§4.1.2): the node's ancestors from its parent up to and including the root.
   */
  public static int[] directPath(int node, int leafCount) {
    checkInTree(node, leafCount);
    int r = root(leafCount);
    int[] out = new int[Math.max(0, level(r) - level(node))];
    int i = 0;
    while (node != r) {
      node = parent(node, leafCount);
      out[i++] = node;
    }
    return out;
  }

  /** The copath (§4.1.2): the sibling of the node and of each of its ancestors below the root. */
  public static int[] copath(int node, int leafCount) {
    int[] d = directPath(node, leafCount);
    int[] out = new int[d.length];
    int prev = node;
    for (int i = 0; i < d.length; i++) {
      out[i] = sibling(prev, leafCount);
      prev = d[i];
    }
    return out;
  }

  /** Whether {@code ancestor} is {@code node} or one of its ancestors. */
  public static boolean isInSubtree(int ancestor, int node) {
    int k = level(ancestor);
    return (node >>> (k + 1)) == (ancestor >>> (k + 1));
  }

  /** The lowest node that is an ancestor of both (or one of them, if one is above the other). */
  public static int commonAncestor(int x, int y) {
    int lx = level(x) + 1;
    int ly = level(y) + 1;
    if (lx <= ly && (x >>> ly) == (y >>> ly)) {
      return y;
    }
    if (ly <= lx && (x >>> lx) == (y >>> lx)) {
      return x;
    }
    int xn = x;
    int yn = y;
    int k = 0;
    while (xn != yn) {
      xn >>>= 1;
      yn >>>= 1;
      k++;
    }
    return (xn << k) + (1 << (k - 1)) - 1;
  }

  private static void checkInTree(int node, int leafCount) {
    if (node < 0 || node >= nodeWidth(leafCount)) {
      throw new IllegalArgumentException(
          "node " + node + " outside a tree of " + leafCount + " leaves");
    }
  }
}
