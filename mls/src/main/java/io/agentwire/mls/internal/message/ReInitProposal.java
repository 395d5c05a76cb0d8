package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;
import java.util.Objects;

/** {@code ReInit} of RFC 9420 §12.1.5: the new group's id, version, cipher suite, extensions. */
public record ReInitProposal(
    byte[] groupId, int version, int cipherSuite, List<Extension> extensions) implements Proposal {

  public ReInitProposal {
    Objects.requireNonNull(groupId, "groupId");
    extensions = Wire.copy(extensions);
  }

  public static ReInitProposal readBody(TlsReader r) throws MlsException {
    return new ReInitProposal(r.opaque(), r.u16(), r.u16(), Wire.readExtensions(r));
  }

  @Override
  public int type() {
    return REINIT;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    w.opaque(groupId).u16(version).u16(cipherSuite);
    Wire.writeExtensions(w, extensions);
  }

  @Override
  public String toString() {
    return "ReInitProposal[version=" + version + ", suite=" + cipherSuite + "]";
  }
}
