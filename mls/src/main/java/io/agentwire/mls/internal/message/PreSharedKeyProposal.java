package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code PreSharedKey} of RFC 9420 §12.1.4. */
public record PreSharedKeyProposal(PreSharedKeyId psk) implements Proposal {

  public PreSharedKeyProposal {
    Objects.requireNonNull(psk, "psk");
  }

  public static PreSharedKeyProposal readBody(TlsReader r) throws MlsException {
    return new PreSharedKeyProposal(PreSharedKeyId.read(r));
  }

  @Override
  public int type() {
    return PSK;
  }

  @Override
  public void encodeBody(TlsWriter w) {
    psk.encode(w);
  }
}
