package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;

/**
 * {@code Remove} of RFC 9420 §12.1.3: the removed leaf index, a {@code uint32} held with its bits
 * unchanged (values of 2^31 and above are negative; every one is outside any tree).
 */
public record RemoveProposal(int removed) implements Proposal {

  public static RemoveProposal readBody(TlsReader r) throws MlsException {
    return new RemoveProposal((int) r.u32());
  }

  @Override
  public int type() {
    return REMOVE;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    w.u32(removed & 0xffffffffL);
  }
}
