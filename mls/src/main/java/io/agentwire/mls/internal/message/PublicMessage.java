package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code PublicMessage} of RFC 9420 §6.2: the content, its auth data and, for a member sender only,
 * the membership tag (null for the other sender types).
 */
public record PublicMessage(FramedContent content, FramedContentAuthData auth, byte[] membershipTag)
    implements TlsWriter.Encodable {

  public PublicMessage {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(auth, "auth");
    auth.checkFor(content.contentType());
    if (content.sender().isMember() != (membershipTag != null)) {
      throw new IllegalArgumentException("a membership tag belongs to member senders only");
    }
  }

  public static PublicMessage read(TlsReader r) throws MlsException {
    FramedContent content = FramedContent.read(r);
    FramedContentAuthData auth = FramedContentAuthData.read(r, content.contentType());
    byte[] tag = content.sender().isMember() ? r.opaque() : null;
    return new PublicMessage(content, auth, tag);
  }

  @Override
  public void encode(TlsWriter w) {
    content.encode(w);
    auth.encode(w);
    if (membershipTag != null) {
      w.opaque(membershipTag);
    }
  }

  /** The content and auth data with the public message wire format. */
  public AuthenticatedContent authenticatedContent() {
    return new AuthenticatedContent(MlsMessage.PUBLIC_MESSAGE, content, auth);
  }

  /**
   * The {@code AuthenticatedContentTBM} the membership tag covers ({@code context} is the group
   * context of the message's epoch).
   */
  public byte[] membershipTagInput(GroupContext context) {
    TlsWriter w = new TlsWriter();
    w.raw(authenticatedContent().toBeSigned(context));
    auth.encode(w);
    return w.toByteArray();
  }

  /** This message with {@code tag} as its membership tag (member senders only). */
  public PublicMessage withMembershipTag(byte[] tag) {
    return new PublicMessage(content, auth, tag);
  }
}
