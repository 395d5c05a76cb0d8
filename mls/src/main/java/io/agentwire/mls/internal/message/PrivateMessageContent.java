package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code PrivateMessageContent} of RFC 9420 §6.3.1, the plaintext of a PrivateMessage: the content
 * of the type the enclosing message names (exactly one of {@link #applicationData()}, {@link
 * #proposal()}, {@link #commit()} is non-null), the auth data, and {@link #paddingLength()} zero
 * bytes. The content type is not part of this encoding, so it is read with {@link #read(TlsReader,
 * int)}, which takes every remaining byte after the auth data as padding and refuses any padding
 * byte that is not zero.
 */
public record PrivateMessageContent(
    int contentType,
    byte[] applicationData,
    Proposal proposal,
    Commit commit,
    FramedContentAuthData auth,
    int paddingLength)
    implements TlsWriter.Encodable {

  public PrivateMessageContent {
    ContentBody.check(contentType, applicationData, proposal, commit);
    Objects.requireNonNull(auth, "auth");
    auth.checkFor(contentType);
    if (paddingLength < 0) {
      throw new IllegalArgumentException("padding length " + paddingLength);
    }
  }

  /** The body and auth data of {@code content}, with {@code paddingLength} zeros. */
  public static PrivateMessageContent of(
      FramedContent content, FramedContentAuthData auth, int paddingLength) {
    return new PrivateMessageContent(
        content.contentType(),
        content.applicationData(),
        content.proposal(),
        content.commit(),
        auth,
        paddingLength);
  }

  /** Reads the rest of {@code r} as the plaintext of a message of {@code contentType}. */
  public static PrivateMessageContent read(TlsReader r, int contentType) throws MlsException {
    ContentBody body = ContentBody.read(r, contentType);
    FramedContentAuthData auth = FramedContentAuthData.read(r, contentType);
    int padding = r.remaining();
    byte[] a = r.array();
    int nonZero = 0;
    for (int i = r.position(), end = i + padding; i < end; i++) {
      nonZero |= a[i];
    }
    if (nonZero != 0) {
      throw Wire.malformed("non-zero padding in PrivateMessageContent");
    }
    skip(r, padding);
    return new PrivateMessageContent(
        contentType, body.applicationData(), body.proposal(), body.commit(), auth, padding);
  }

  private static void skip(TlsReader r, int n) throws MlsException {
    // TlsReader has no skip: read the (already checked) padding in bounded chunks.
    while (n > 0) {
      int step = Math.min(n, 4096);
      r.raw(step);
      n -= step;
    }
  }

  /** Reads a whole decrypted plaintext of a message of {@code contentType}. */
  public static PrivateMessageContent decode(byte[] plaintext, int contentType)
      throws MlsException {
    TlsReader r = new TlsReader(plaintext);
    PrivateMessageContent c = read(r, contentType);
    r.finish("PrivateMessageContent");
    return c;
  }

  /**
   * The {@code FramedContent} this plaintext completes, with the enclosing message's fields and the
   * sender from its sender data.
   */
  public FramedContent framedContent(PrivateMessage message, Sender sender) {
    return new FramedContent(
        message.groupId(),
        message.epoch(),
        sender,
        message.authenticatedData(),
        contentType,
        applicationData,
        proposal,
        commit);
  }

  @Override
  public void encode(TlsWriter w) {
    ContentBody.write(w, contentType, applicationData, proposal, commit);
    auth.encode(w);
    byte[] zeros = new byte[Math.min(paddingLength, 4096)];
    for (int left = paddingLength; left > 0; left -= zeros.length) {
      w.raw(zeros, 0, Math.min(left, zeros.length));
    }
  }

  @Override
  public String toString() {
    return "PrivateMessageContent[contentType=" + contentType + ", padding=" + paddingLength + "]";
  }
}
