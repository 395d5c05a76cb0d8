package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code ExternalSender} of RFC 9420 §12.1.8.1: a signature key and its credential. */
public record ExternalSender(byte[] signatureKey, Credential credential)
    implements TlsWriter.Encodable {

  public ExternalSender {
    Objects.requireNonNull(signatureKey, "signatureKey");
    Objects.requireNonNull(credential, "credential");
  }

  public static ExternalSender read(TlsReader r) throws MlsException {
    return new ExternalSender(r.opaque(), Credential.read(r));
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(signatureKey);
    credential.encode(w);
  }
}
