package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code ExternalInit} of RFC 9420 §12.1.6: the KEM output toward the group's external_pub. */
public record ExternalInitProposal(byte[] kemOutput) implements Proposal {

  public ExternalInitProposal {
    Objects.requireNonNull(kemOutput, "kemOutput");
  }

  public static ExternalInitProposal readBody(TlsReader r) throws MlsException {
    return new ExternalInitProposal(r.opaque());
  }

  @Override
  public int type() {
    return EXTERNAL_INIT;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    w.opaque(kemOutput);
  }

  @Override
  public String toString() {
    return "ExternalInitProposal[" + kemOutput.length + " bytes]";
  }
}
