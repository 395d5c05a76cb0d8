package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;
import java.util.Objects;

/**
 * {@code FramedContent} of RFC 9420 §6. Exactly one of {@link #applicationData()}, {@link
 * #proposal()} and {@link #commit()} is non-null, the one {@link #contentType()} names ({@code
 * ContentType} is a closed set: other values are malformed). The epoch is a {@code uint64} held in
 * a {@code long}.
 */
public record FramedContent(
    byte[] groupId,
    long epoch,
    Sender sender,
    byte[] authenticatedData,
    int contentType,
    byte[] applicationData,
    Proposal proposal,
    Commit commit)
    implements TlsWriter.Encodable {

  public static final int APPLICATION = ContentBody.APPLICATION;
  public static final int PROPOSAL = ContentBody.PROPOSAL;
  public static final int COMMIT = ContentBody.COMMIT;

  public FramedContent {
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(authenticatedData, "authenticatedData");
    ContentBody.check(contentType, applicationData, proposal, commit);
  }

  public static FramedContent application(
      byte[] groupId, long epoch, Sender sender, byte[] authenticatedData, byte[] data) {
    return new FramedContent(
        groupId, epoch, sender, authenticatedData, APPLICATION, data, null, null);
  }

  public static FramedContent proposal(
      byte[] groupId, long epoch, Sender sender, byte[] authenticatedData, Proposal proposal) {
    return new FramedContent(
        groupId, epoch, sender, authenticatedData, PROPOSAL, null, proposal, null);
  }

  public static FramedContent commit(
      byte[] groupId, long epoch, Sender sender, byte[] authenticatedData, Commit commit) {
    return new FramedContent(groupId, epoch, sender, authenticatedData, COMMIT, null, null, commit);
  }

  public static FramedContent read(TlsReader r) throws MlsException {
    byte[] groupId = r.opaque();
    long epoch = r.u64();
    Sender sender = Sender.read(r);
    byte[] authenticatedData = r.opaque();
    ContentBody body = ContentBody.read(r, r.u8());
    return new FramedContent(
        groupId,
        epoch,
        sender,
        authenticatedData,
        body.contentType(),
        body.applicationData(),
        body.proposal(),
        body.commit());
  }

  @Override
  public void encode(TlsWriter w) {
    w.opaque(groupId).u64(epoch);
    sender.encode(w);
    w.opaque(authenticatedData).u8(contentType);
    ContentBody.write(w, contentType, applicationData, proposal, commit);
  }

  @Override
  public String toString() {
    return "FramedContent[epoch="
        + Long.toUnsignedString(epoch)
        + ", "
        + sender
        + ", contentType="
        + contentType
        + "]";
  }
}
