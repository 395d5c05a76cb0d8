package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code SenderDataAAD} of RFC 9420 §6.3.2, the AAD of a PrivateMessage's sender data. */
public record SenderDataAad(byte[] groupId, long epoch, int contentType)
    implements TlsWriter.Encodable {

  public SenderDataAad {
    Objects.requireNonNull(groupId, "groupId");
  }

  public static SenderDataAad read(TlsReader r) throws MlsException {
    byte[] groupId = r.opaque();
    long epoch = r.u64();
    return new SenderDataAad(groupId, epoch, ContentBody.checkType(r.u8()));
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(groupId).u64(epoch).u8(contentType);
  }
}
