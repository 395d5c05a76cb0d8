package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/** {@code PrivateContentAAD} of RFC 9420 §6.3.1, the AAD of a PrivateMessage's content. */
public record PrivateContentAad(
    byte[] groupId, long epoch, int contentType, byte[] authenticatedData)
    implements TlsWriter.Encodable {

  public PrivateContentAad {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(authenticatedData, "authenticatedData");
  }

  public static PrivateContentAad read(TlsReader r) throws MlsException {
    byte[] groupId = r.opaque();
    long epoch = r.u64();
    int contentType = ContentBody.checkType(r.u8());
    return new PrivateContentAad(groupId, epoch, contentType, r.opaque());
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(groupId).u64(epoch).u8(contentType).opaque(authenticatedData);
  }
}
