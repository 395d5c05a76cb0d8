package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/** {@code GroupContextExtensions} of RFC 9420 §12.1.7: the group context's new extensions. */
public record GroupContextExtensionsProposal(List<Extension> extensions) implements Proposal {

  public GroupContextExtensionsProposal {
    extensions = Wire.copy(extensions);
  }

  public static GroupContextExtensionsProposal readBody(TlsReader r) throws MlsException {
    return new GroupContextExtensionsProposal(Wire.readExtensions(r));
  }

  @Override
  public int type() {
    return GROUP_CONTEXT_EXTENSIONS;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    Wire.writeExtensions(w, extensions);
  }
}
