package io.agentwire.mls.internal.tree;

/**
 * A leaf's position among the leaves (RFC 9420 §4.1: "leaf index"), as distinct from its {@link
 * NodeIndex} in the array representation. Leaf {@code i} is node {@code 2i}.
 */
public record LeafIndex(int value) implements Comparable<LeafIndex> {

  public LeafIndex {
    if (value < 0) {
      throw new IllegalArgumentException("negative leaf index " + value);
    }
  }

  public static LeafIndex of(int value) {
    return new LeafIndex(value);
  }

  /**
   * A leaf index read from the wire (a uint32 held in an int, so 2^31 and above are negative):
   * INVALID unless it names a leaf of a tree of {@code leafCount} leaves.
   */
  public static LeafIndex fromWire(int value, int leafCount) throws io.agentwire.mls.MlsException {
    if (value < 0 || value >= leafCount) {
      throw new io.agentwire.mls.MlsException(
          io.agentwire.mls.MlsException.Reason.INVALID,
          "leaf index " + Integer.toUnsignedString(value) + " is outside a tree of " + leafCount);
    }
    return new LeafIndex(value);
  }

  /** This leaf's node index (2i). */
  public NodeIndex node() {
    return new NodeIndex(value * 2);
  }

  @Override
  public int compareTo(LeafIndex o) {
    return Integer.compare(value, o.value);
  }

  @Override
  public String toString() {
    return "leaf " + value;
  }
}
