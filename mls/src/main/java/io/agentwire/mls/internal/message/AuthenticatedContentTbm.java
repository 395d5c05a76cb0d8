package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code AuthenticatedContentTBM} of RFC 9420 §6.2, what a PublicMessage's membership tag covers:
 * the {@code FramedContentTBS} and the auth data.
 */
public record AuthenticatedContentTbm(FramedContentTbs contentTbs, FramedContentAuthData auth)
    implements TlsWriter.Encodable {

  public AuthenticatedContentTbm {
    Objects.requireNonNull(contentTbs, "contentTbs");
    Objects.requireNonNull(auth, "auth");
    auth.checkFor(contentTbs.content().contentType());
  }

  public static AuthenticatedContentTbm read(TlsReader r) throws MlsException {
    FramedContentTbs tbs = FramedContentTbs.read(r);
    return new AuthenticatedContentTbm(
        tbs, FramedContentAuthData.read(r, tbs.content().contentType()));
  }

  @Override
  public void encode(TlsWriter w) {
    contentTbs.encode(w);
    auth.encode(w);
  }
}
