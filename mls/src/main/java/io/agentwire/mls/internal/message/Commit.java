package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/**
 * {@code Commit} of RFC 9420 §12.4: the proposals it applies (at most {@link Wire#MAX_LIST}) and an
 * optional {@link UpdatePath} (null when absent).
 */
public record Commit(List<ProposalOrRef> proposals, UpdatePath path)
    implements TlsWriter.Encodable {

  public Commit {
    proposals = Wire.copy(proposals);
  }

  public static Commit read(TlsReader r) throws MlsException {
    return new Commit(r.vector(ProposalOrRef::read, Wire.MAX_LIST), r.optional(UpdatePath::read));
  }

  @Override
  public void encode(TlsWriter w) {
    w.vector(proposals, (x, p) -> p.encode(x));
    w.optional(path, (x, p) -> p.encode(x));
  }
}
