package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;
import java.util.Objects;

/**
 * {@code UpdatePath} of RFC 9420 §7.6: the committer's new leaf node and one {@link UpdatePathNode}
 * per node of its filtered direct path (at most {@link Wire#MAX_PATH}).
 */
public record UpdatePath(LeafNode leafNode, List<UpdatePathNode> nodes)
    implements TlsWriter.Encodable {

  public UpdatePath {
    Objects.requireNonNull(leafNode, "leafNode");
    nodes = Wire.copy(nodes);
  }

  public static UpdatePath read(TlsReader r) throws MlsException {
    return new UpdatePath(LeafNode.read(r), r.vector(UpdatePathNode::read, Wire.MAX_PATH));
  }

  @Override
  public void encode(TlsWriter w) {
    leafNode.encode(w);
    w.vector(nodes, (x, n) -> n.encode(x));
  }
}
