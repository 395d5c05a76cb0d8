package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code Node} of RFC 9420 §7.8: a leaf node or a parent node, tagged by {@code NodeType} (leaf 1,
 * parent 2; other values are malformed). A blank node is not a {@code Node} but an absent {@code
 * optional<Node>} (null, see {@link RatchetTreeCodec}).
 */
public final class Node implements TlsWriter.Encodable {

  public static final int LEAF = 1;
  public static final int PARENT = 2;

  private final LeafNode leaf;
  private final ParentNode parent;

  private Node(LeafNode leaf, ParentNode parent) {
    this.leaf = leaf;
    this.parent = parent;
  }

  public static Node leaf(LeafNode leaf) {
    return new Node(Objects.requireNonNull(leaf, "leaf"), null);
  }

  public static Node parent(ParentNode parent) {
    return new Node(null, Objects.requireNonNull(parent, "parent"));
  }

  public boolean isLeaf() {
    return leaf != null;
  }

  /** The {@code NodeType}: {@link #LEAF} or {@link #PARENT}. */
  public int nodeType() {
    return isLeaf() ? LEAF : PARENT;
  }

  /** The leaf node; fails on a parent node. */
  public LeafNode leaf() {
    if (leaf == null) {
      throw new IllegalStateException("not a leaf node");
    }
    return leaf;
  }

  /** The parent node; fails on a leaf node. */
  public ParentNode parent() {
    if (parent == null) {
      throw new IllegalStateException("not a parent node");
    }
    return parent;
  }

  /** The HPKE public key of either kind of node. */
  public byte[] encryptionKey() {
    return isLeaf() ? leaf.encryptionKey() : parent.encryptionKey();
  }

  public static Node read(TlsReader r) throws MlsException {
    int type = r.u8();
    switch (type) {
      case LEAF:
        return leaf(LeafNode.read(r));
      case PARENT:
        return parent(ParentNode.read(r));
      default:
        throw Wire.malformed("unknown node_type " + type);
    }
  }

  @Override
  public void encode(TlsWriter w) {
    w.u8(nodeType());
    if (isLeaf()) {
      leaf.encode(w);
    } else {
      parent.encode(w);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Node n && Objects.equals(leaf, n.leaf) && Objects.equals(parent, n.parent);
  }

  @Override
  public int hashCode() {
    return Objects.hash(leaf, parent);
  }

  @Override
  public String toString() {
    return isLeaf() ? leaf.toString() : parent.toString();
  }
}
