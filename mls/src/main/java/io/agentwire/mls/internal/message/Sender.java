package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;

/**
 * {@code Sender} of RFC 9420 §6: a member ({@link #leafIndex()}), an external sender ({@link
 * #senderIndex()}, an index into the external_senders extension), or a new member proposing or
 * committing its own join. The unused index is 0. Indices are {@code uint32}s held with their bits
 * unchanged (negative above 2^31 - 1). {@code SenderType} is a closed set: other values are
 * malformed.
 */
public record Sender(int senderType, int leafIndex, int senderIndex)
    implements TlsWriter.Encodable {

  public static final int MEMBER = 1;
  public static final int EXTERNAL = 2;
  public static final int NEW_MEMBER_PROPOSAL = 3;
  public static final int NEW_MEMBER_COMMIT = 4;

  public Sender {
    if (senderType < MEMBER || senderType > NEW_MEMBER_COMMIT) {
      throw new IllegalArgumentException("sender type " + senderType);
    }
    if ((senderType != MEMBER && leafIndex != 0) || (senderType != EXTERNAL && senderIndex != 0)) {
      throw new IllegalArgumentException("index for the wrong sender type");
    }
  }

  public static Sender member(int leafIndex) {
    return new Sender(MEMBER, leafIndex, 0);
  }

  public static Sender external(int senderIndex) {
    return new Sender(EXTERNAL, 0, senderIndex);
  }

  public static Sender newMemberProposal() {
    return new Sender(NEW_MEMBER_PROPOSAL, 0, 0);
  }

  public static Sender newMemberCommit() {
    return new Sender(NEW_MEMBER_COMMIT, 0, 0);
  }

  public boolean isMember() {
    return senderType == MEMBER;
  }

  /**
   * Whether a {@code FramedContentTBS} for this sender carries the group context (member and
   * new_member_commit senders, RFC 9420 §6.1).
   */
  public boolean signsGroupContext() {
    return senderType == MEMBER || senderType == NEW_MEMBER_COMMIT;
  }

  public static Sender read(TlsReader r) throws MlsException {
    int type = r.u8();
    switch (type) {
      case MEMBER:
        return member((int) r.u32());
      case EXTERNAL:
        return external((int) r.u32());
      case NEW_MEMBER_PROPOSAL:
        return newMemberProposal();
      case NEW_MEMBER_COMMIT:
        return newMemberCommit();
      default:
        throw Wire.malformed("unknown sender_type " + type);
    }
  }

  @Override
  public void encode(TlsWriter w) {
    w.u8(senderType);
    if (senderType == MEMBER) {
      w.u32(leafIndex & 0xffffffffL);
    } else if (senderType == EXTERNAL) {
      w.u32(senderIndex & 0xffffffffL);
    }
  }
}
