package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code Add} of RFC 9420 §12.1.1. */
public record AddProposal(KeyPackage keyPackage) implements Proposal {

  public AddProposal {
    Objects.requireNonNull(keyPackage, "keyPackage");
  }

  public static AddProposal readBody(TlsReader r) throws MlsException {
    return new AddProposal(KeyPackage.read(r));
  }

  @Override
  public int type() {
    return ADD;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    keyPackage.encode(w);
  }
}
