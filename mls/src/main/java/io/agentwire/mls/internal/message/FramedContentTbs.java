package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code FramedContentTBS} of RFC 9420 §6.1, what a framed message's signature covers: the version,
 * the wire format, the content and, for member and new_member_commit senders, the group context
 * (null for the others).
 */
public record FramedContentTbs(
    int version, int wireFormat, FramedContent content, GroupContext context)
    implements TlsWriter.Encodable {

  public FramedContentTbs {
    Objects.requireNonNull(content, "content");
    if (content.sender().signsGroupContext() != (context != null)) {
      throw new IllegalArgumentException(
          "the group context is signed for member and new_member_commit senders only");
    }
  }

  public static FramedContentTbs read(TlsReader r) throws MlsException {
    int version = r.u16();
    int wireFormat = r.u16();
    FramedContent content = FramedContent.read(r);
    GroupContext context = content.sender().signsGroupContext() ? GroupContext.read(r) : null;
    return new FramedContentTbs(version, wireFormat, content, context);
  }

  @Override
  public void encode(TlsWriter w) {
    w.u16(version).u16(wireFormat);
    content.encode(w);
    if (context != null) {
      context.encode(w);
    }
  }
}
