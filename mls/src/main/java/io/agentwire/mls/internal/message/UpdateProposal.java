package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code Update} of RFC 9420 §12.1.2. */
public record UpdateProposal(LeafNode leafNode) implements Proposal {

  public UpdateProposal {
    Objects.requireNonNull(leafNode, "leafNode");
  }

  public static UpdateProposal readBody(TlsReader r) throws MlsException {
    return new UpdateProposal(LeafNode.read(r));
  }

  @Override
  public int type() {
    return UPDATE;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    leafNode.encode(w);
  }
}
