package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;

/**
 * The {@code select (content_type)} that FramedContent and PrivateMessageContent share: {@code
 * opaque application_data<V>}, a {@code Proposal}, or a {@code Commit}; exactly the one for the
 * content type is non-null.
 */
record ContentBody(int contentType, byte[] applicationData, Proposal proposal, Commit commit) {

  static final int APPLICATION = 1;
  static final int PROPOSAL = 2;
  static final int COMMIT = 3;

  ContentBody {
    check(contentType, applicationData, proposal, commit);
  }

  static void check(int contentType, byte[] applicationData, Proposal proposal, Commit commit) {
    boolean ok;
    switch (contentType) {
      case APPLICATION:
        ok = applicationData != null && proposal == null && commit == null;
        break;
      case PROPOSAL:
        ok = applicationData == null && proposal != null && commit == null;
        break;
      case COMMIT:
        ok = applicationData == null && proposal == null && commit != null;
        break;
      default:
        throw new IllegalArgumentException("content type " + contentType);
    }
    if (!ok) {
      throw new IllegalArgumentException("content does not match content type " + contentType);
    }
  }

  /** Fails unless {@code contentType} is application, proposal or commit. */
  static int checkType(int contentType) throws MlsException {
    if (contentType < APPLICATION || contentType > COMMIT) {
      throw Wire.malformed("unknown content_type " + contentType);
    }
    return contentType;
  }

  static ContentBody read(TlsReader r, int contentType) throws MlsException {
    switch (checkType(contentType)) {
      case APPLICATION:
        return new ContentBody(contentType, r.opaque(), null, null);
      case PROPOSAL:
        return new ContentBody(contentType, null, Proposal.read(r), null);
      default:
        return new ContentBody(contentType, null, null, Commit.read(r));
    }
  }

  static void write(
      TlsWriter w, int contentType, byte[] applicationData, Proposal proposal, Commit commit) {
    switch (contentType) {
      case APPLICATION:
        w.opaque(applicationData);
        break;
      case PROPOSAL:
        proposal.encode(w);
        break;
      default:
        commit.encode(w);
    }
  }
}
