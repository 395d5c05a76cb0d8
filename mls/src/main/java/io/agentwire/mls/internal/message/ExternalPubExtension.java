package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * The {@code external_pub} extension of RFC 9420 §12.4.3.2: {@code HPKEPublicKey external_pub}, and
 * since {@code HPKEPublicKey} is {@code opaque<V>} the extension data is a length header then the
 * key.
 */
public record ExternalPubExtension(byte[] externalPub) implements TlsWriter.Encodable {

  public ExternalPubExtension {
    Objects.requireNonNull(externalPub, "externalPub");
  }

  public static ExternalPubExtension read(TlsReader r) throws MlsException {
    return new ExternalPubExtension(r.opaque());
  }

  /** The typed data of {@code e}, which must be an external_pub extension. */
  public static ExternalPubExtension from(Extension e) throws MlsException {
    return Wire.decode(
        Extensions.data(e, Extension.EXTERNAL_PUB), ExternalPubExtension::read, "external_pub");
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(externalPub);
  }

  public Extension toExtension() {
    return new Extension(Extension.EXTERNAL_PUB, toBytes());
  }
}
