package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code FramedContentAuthData} of RFC 9420 §6.1: the signature over {@code FramedContentTBS} and,
 * for commit content only, the confirmation tag (null otherwise). Its encoding depends on the
 * content type, so it is read with {@link #read(TlsReader, int)}.
 */
public record FramedContentAuthData(byte[] signature, byte[] confirmationTag)
    implements TlsWriter.Encodable {

  public FramedContentAuthData {
    Objects.requireNonNull(signature, "signature");
  }

  /** Reads the auth data of content of {@code contentType}. */
  public static FramedContentAuthData read(TlsReader r, int contentType) throws MlsException {
    ContentBody.checkType(contentType);
    byte[] signature = r.opaque();
    byte[] tag = contentType == FramedContent.COMMIT ? r.opaque() : null;
    return new FramedContentAuthData(signature, tag);
  }

  /** Fails unless the confirmation tag is present exactly for commit content. */
  void checkFor(int contentType) {
    if ((contentType == FramedContent.COMMIT) != (confirmationTag != null)) {
      throw new IllegalArgumentException("a confirmation tag belongs to commit content only");
    }
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(signature);
    if (confirmationTag != null) {
      w.opaque(confirmationTag);
    }
  }

  @Override
  public String toString() {
    return "FramedContentAuthData[" + (confirmationTag != null ? "with" : "no") + " tag]";
  }
}
