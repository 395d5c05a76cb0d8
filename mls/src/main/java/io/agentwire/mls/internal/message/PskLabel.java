package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code PSKLabel} of RFC 9420 §8.4, the context of the i-th of n PSKs when deriving the PSK
 * secret: {@code PreSharedKeyID id; uint16 index; uint16 count}.
 */
public record PskLabel(PreSharedKeyId id, int index, int count) implements TlsWriter.Encodable {

  public PskLabel {
    Objects.requireNonNull(id, "id");
    if (index < 0 || index > 0xffff || count < 0 || count > 0xffff) {
      throw new IllegalArgumentException("PSK index " + index + " of " + count);
    }
  }

  public static PskLabel read(TlsReader r) throws MlsException {
    return new PskLabel(PreSharedKeyId.read(r), r.u16(), r.u16());
  }

  @Override
  public void encode(TlsWriter w) {
    id.encode(w);
    w.u16(index).u16(count);
  }
}
