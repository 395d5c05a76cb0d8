package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code Extension} of RFC 9420 §13: a {@code uint16} type and opaque data. The typed views of the
 * data for the RFC's own types are {@link ApplicationIdExtension}, {@link RatchetTreeExtension},
 * {@link RequiredCapabilitiesExtension}, {@link ExternalPubExtension} and {@link
 * ExternalSendersExtension}; every other type is kept as its opaque data.
 */
public record Extension(int extensionType, byte[] extensionData) implements TlsWriter.Encodable {

  public static final int APPLICATION_ID = 1;
  public static final int RATCHET_TREE = 2;
  public static final int REQUIRED_CAPABILITIES = 3;
  public static final int EXTERNAL_PUB = 4;
  public static final int EXTERNAL_SENDERS = 5;

  public Extension {
    if (extensionType < 0 || extensionType > 0xffff) {
      throw new IllegalArgumentException("extension type " + extensionType);
    }
    Objects.requireNonNull(extensionData, "extensionData");
  }

  public static Extension read(TlsReader r) throws MlsException {
    return new Extension(r.u16(), r.opaque());
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(extensionType).opaque(extensionData);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Extension e
        && e.extensionType == extensionType
        && Arrays.equals(e.extensionData, extensionData);
  }

  @Override
  public int hashCode() {
    return 31 * extensionType + Arrays.hashCode(extensionData);
  }

  @Override
  public String toString() {
    return "Extension[type=" + extensionType + ", " + extensionData.length + " bytes]";
  }
}
