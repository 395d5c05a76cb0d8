package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code PrivateMessage} of RFC 9420 §6.3. {@code ContentType} is a closed set: other values are
 * malformed. The epoch is a {@code uint64} held in a {@code long}.
 */
public record PrivateMessage(
    byte[] groupId,
    long epoch,
    int contentType,
    byte[] authenticatedData,
    byte[] encryptedSenderData,
    byte[] ciphertext)
    implements TlsWriter.Encodable {

  public PrivateMessage {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(authenticatedData, "authenticatedData");
    Objects.requireNonNull(encryptedSenderData, "encryptedSenderData");
    Objects.requireNonNull(ciphertext, "ciphertext");
    if (contentType < FramedContent.APPLICATION || contentType > FramedContent.COMMIT) {
      throw new IllegalArgumentException("content type " + contentType);
    }
  }

  public static PrivateMessage read(TlsReader r) throws MlsException {
    byte[] groupId = r.opaque();
    long epoch = r.u64();
    int contentType = ContentBody.checkType(r.u8());
    return new PrivateMessage(groupId, epoch, contentType, r.opaque(), r.opaque(), r.opaque());
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(groupId).u64(epoch).u8(contentType).opaque(authenticatedData);
    w.opaque(encryptedSenderData).opaque(ciphertext);
  }

  /** The {@code PrivateContentAAD} of this message's content encryption. */
  public PrivateContentAad contentAad() {
    return new PrivateContentAad(groupId, epoch, contentType, authenticatedData);
  }

  /** The {@code SenderDataAAD} of this message's sender data encryption. */
  public SenderDataAad senderDataAad() {
    return new SenderDataAad(groupId, epoch, contentType);
  }

  @Override
  public String toString() {
    return "PrivateMessage[epoch="
        + Long.toUnsignedString(epoch)
        + ", contentType="
        + contentType
        + ", "
        + ciphertext.length
        + " bytes]";
  }
}
