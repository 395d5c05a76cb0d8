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
