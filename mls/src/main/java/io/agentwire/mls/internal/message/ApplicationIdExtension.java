package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * The {@code application_id} extension of RFC 9420 §5.3.3: {@code opaque application_id<V>} as the
 * extension data.
 */
public record ApplicationIdExtension(byte[] applicationId) implements TlsWriter.Encodable {

  public ApplicationIdExtension {
    Objects.requireNonNull(applicationId, "applicationId");
  }

  public static ApplicationIdExtension read(TlsReader r) throws MlsException {
    return new ApplicationIdExtension(r.opaque());
  }

  /** The typed data of {@code e}, which must be an application_id extension. */
  public static ApplicationIdExtension from(Extension e) throws MlsException {
    return Wire.decode(
        Extensions.data(e, Extension.APPLICATION_ID),
        ApplicationIdExtension::read,
        "application_id");
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(applicationId);
  }

  public Extension toExtension() {
    return new Extension(Extension.APPLICATION_ID, toBytes());
  }
}
