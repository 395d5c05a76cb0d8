package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The ratchet tree's encoding, {@code optional<Node> ratchet_tree<V>} (RFC 9420 §12.4.3.3, the data
 * of the {@code ratchet_tree} extension): the nodes in array order, null for a blank node. At most
 * {@link Wire#MAX_TREE_NODES} nodes are read ({@code LIMIT_EXCEEDED} beyond). This codec checks
 * only the syntax; the tree's shape rules (odd length, no trailing blank leaf, leaves at even
 * indices) belong to the ratchet tree.
 */
public final class RatchetTreeCodec {

  private RatchetTreeCodec() {}

  /** The nodes; the list is unmodifiable and holds null for each blank node. */
  public static List<Node> read(TlsReader r) throws MlsException {
    TlsReader body = r.vectorBody();
    List<Node> nodes = new ArrayList<>();
    while (body.remaining() > 0) {
      if (nodes.size() >= Wire.MAX_TREE_NODES) {
        throw new MlsException(
            MlsException.Reason.LIMIT_EXCEEDED,
            "ratchet tree has more than " + Wire.MAX_TREE_NODES + " nodes");
      }
      nodes.add(body.optional(Node::read));
    }
    return Wire.copyAllowingNulls(nodes);
  }

  /** Reads a standalone encoding, refusing trailing bytes. */
  public static List<Node> decode(byte[] encoded) throws MlsException {
    return Wire.decode(encoded, RatchetTreeCodec::read, "ratchet tree");
  }

  public static void write(TlsWriter w, List<Node> nodes) {
    w.vector(nodes, (x, n) -> x.optional(n, (y, v) -> v.encode(y)));
  }

  /** The standalone encoding. */
  public static byte[] encode(List<Node> nodes) {
    TlsWriter w = new TlsWriter();
    write(w, nodes);
    return w.toByteArray();
  }
}
