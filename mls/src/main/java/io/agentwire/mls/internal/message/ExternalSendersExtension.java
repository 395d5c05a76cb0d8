package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;

/**
 * The {@code external_senders} extension of RFC 9420 §12.1.8.1: {@code ExternalSender
 * external_senders<V>} (at most {@link Wire#MAX_LIST}); a {@link Sender#external(int)} index is a
 * position in this list.
 */
public record ExternalSendersExtension(List<ExternalSender> externalSenders)
    implements TlsWriter.Encodable {

  public ExternalSendersExtension {
    externalSenders = Wire.copy(externalSenders);
  }

  public static ExternalSendersExtension read(TlsReader r) throws MlsException {
    return new ExternalSendersExtension(r.vector(ExternalSender::read, Wire.MAX_LIST));
  }

  /** The typed data of {@code e}, which must be an external_senders extension. */
  public static ExternalSendersExtension from(Extension e) throws MlsException {
    return Wire.decode(
        Extensions.data(e, Extension.EXTERNAL_SENDERS),
        ExternalSendersExtension::read,
        "external_senders");
  }

  @Override
  public void encode(TlsWriter w) {
    w.vector(externalSenders, (x, s) -> s.encode(x));
  }

  public Extension toExtension() {
    return new Extension(Extension.EXTERNAL_SENDERS, toBytes());
  }
}
