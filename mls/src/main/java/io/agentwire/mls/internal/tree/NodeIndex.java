package io.agentwire.mls.internal.tree;

/**
 * A node's position in the array representation of the tree (RFC 9420 §4.1, Appendix C): leaves at
 * even indices, parents at odd ones.
 */
public record NodeIndex(int value) implements Comparable<NodeIndex> {

  public NodeIndex {
    if (value < 0) {
      throw new IllegalArgumentException("negative node index " + value);
    }
  }

  public static NodeIndex of(int value) {
    return new NodeIndex(value);
  }

  public boolean isLeaf() {
    return (value & 1) == 0;
  }

  /** The leaf index of this node; only for leaves. */
  public LeafIndex leaf() {
    if (!isLeaf()) {
      throw new IllegalStateException("node " + value + " is not a leaf");
    }
    return new LeafIndex(value >>> 1);
  }

  @Override
  public int compareTo(NodeIndex o) {
    return Integer.compare(value, o.value);
  }

  @Override
  public String toString() {
    return "node " + value;
  }
}
