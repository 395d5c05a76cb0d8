package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.List;
import java.util.Objects;

/**
 * {@code GroupInfo} of RFC 9420 §12.4.3: the group context, the GroupInfo extensions, the
 * confirmation tag, the signer's leaf index ({@code uint32}, bits unchanged) and the signature over
 * {@link #toBeSigned()} ({@code GroupInfoTBS}).
 */
public record GroupInfo(
    GroupContext groupContext,
    List<Extension> extensions,
    byte[] confirmationTag,
    int signer,
    byte[] signature)
    implements TlsWriter.Encodable {

  public GroupInfo {
    Objects.requireNonNull(groupContext, "groupContext");
    Objects.requireNonNull(confirmationTag, "confirmationTag");
    Objects.requireNonNull(signature, "signature");
    extensions = Wire.copy(extensions);
  }

  public static GroupInfo read(TlsReader r) throws MlsException {
    return new GroupInfo(
        GroupContext.read(r), Wire.readExtensions(r), r.opaque(), (int) r.u32(), r.opaque());
  }

  /**
   * Reads a whole standalone encoding (a decrypted Welcome's group info), refusing trailing bytes.
   */
  public static GroupInfo decode(byte[] encoded) throws MlsException {
    return Wire.decode(encoded, GroupInfo::read, "GroupInfo");
  }

  private void encodeContent(TlsWriter w) {
    groupContext.encode(w);
    Wire.writeExtensions(w, extensions);
    w.opaque(confirmationTag).u32(signer & 0xffffffffL);
  }

  @Override
  public void encode(TlsWriter w) {
    encodeContent(w);
    w.opaque(signature);
  }

  /** The {@code GroupInfoTBS} the signature covers. */
  public byte[] toBeSigned() {
    TlsWriter w = new TlsWriter();
    encodeContent(w);
    return w.toByteArray();
  }

  public GroupInfo withSignature(byte[] signature) {
    return new GroupInfo(groupContext, extensions, confirmationTag, signer, signature);
  }

  @Override
  public String toString() {
    return "GroupInfo[" + groupContext + ", signer=" + Integer.toUnsignedString(signer) + "]";
  }
}
