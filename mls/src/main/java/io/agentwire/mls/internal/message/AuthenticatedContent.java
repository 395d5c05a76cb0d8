package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code AuthenticatedContent} of RFC 9420 §6.1: the wire format (public or private message), the
 * content and its auth data. It is what a {@code ProposalRef} hashes and what the transcript hashes
 * read; helpers give the related encodings.
 */
public record AuthenticatedContent(
    int wireFormat, FramedContent content, FramedContentAuthData auth)
    implements TlsWriter.Encodable {

  public AuthenticatedContent {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(auth, "auth");
    auth.checkFor(content.contentType());
  }

  public static AuthenticatedContent read(TlsReader r) throws MlsException {
    int wireFormat = r.u16();
    if (wireFormat != MlsMessage.PUBLIC_MESSAGE && wireFormat != MlsMessage.PRIVATE_MESSAGE) {
      throw Wire.malformed("wire_format " + wireFormat + " does not frame content");
    }
    FramedContent content = FramedContent.read(r);
    return new AuthenticatedContent(
        wireFormat, content, FramedContentAuthData.read(r, content.contentType()));
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(wireFormat);
    content.encode(w);
    auth.encode(w);
  }

  /**
   * The {@code FramedContentTBS} the signature covers, for protocol version mls10; {@code context}
   * is required for member and new_member_commit senders and ignored for the others.
   */
  public byte[] toBeSigned(GroupContext context) {
    return new FramedContentTbs(
            MlsMessage.MLS10,
            wireFormat,
            content,
            content.sender().signsGroupContext() ? Objects.requireNonNull(context) : null)
        .toBytes();
  }

  /**
   * {@code ConfirmedTranscriptHashInput} of RFC 9420 §8.2: the wire format, the content and the
   * signature.
   */
  public byte[] confirmedTranscriptHashInput() {
    TlsWriter w = new TlsWriter();
    w.u16(wireFormat);
    content.encode(w);
    w.opaque(auth.signature());
    return w.toByteArray();
  }
}
