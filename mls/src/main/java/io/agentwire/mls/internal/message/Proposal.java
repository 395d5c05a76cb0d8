package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;

/**
 * {@code Proposal} of RFC 9420 §12.1: a {@code ProposalType} and the body of that type. {@link
 * #encode} and {@link #read} are the whole tagged {@code Proposal}; each kind's {@code
 * readBody}/{@link #encodeBody} are its RFC struct alone ({@code Add}, {@code Update}, …).
 *
 * <p>Unknown proposal types: the RFC's {@code Proposal} gives a body no length of its own, so the
 * body of a type this implementation does not know cannot be skipped or kept; such a proposal by
 * value is refused with {@code UNSUPPORTED} (which RFC 9420 §12.2 requires anyway, since a member
 * must support every proposal type in a commit). A proposal of any type may still be named by
 * reference in a commit. So there is no holder for unknown types.
 */
public sealed interface Proposal extends TlsWriter.Encodable
    permits AddProposal,
        UpdateProposal,
        RemoveProposal,
        PreSharedKeyProposal,
        ReInitProposal,
        ExternalInitProposal,
        GroupContextExtensionsProposal {

  int ADD = 1;
  int UPDATE = 2;
  int REMOVE = 3;
  int PSK = 4;
  int REINIT = 5;
  int EXTERNAL_INIT = 6;
  int GROUP_CONTEXT_EXTENSIONS = 7;

  /** The {@code ProposalType}. */
  int type();

  /** Writes this kind's struct alone, without the type. */
  void encodeBody(TlsWriter w);

  @Override
  default void encode(TlsWriter w) {
    w.u16(type());
    encodeBody(w);
  }

  /** Reads a tagged {@code Proposal}. */
  static Proposal read(TlsReader r) throws MlsException {
    int type = r.u16();
    switch (type) {
      case ADD:
        return AddProposal.readBody(r);
      case UPDATE:
        return UpdateProposal.readBody(r);
      case REMOVE:
        return RemoveProposal.readBody(r);
      case PSK:
        return PreSharedKeyProposal.readBody(r);
      case REINIT:
        return ReInitProposal.readBody(r);
      case EXTERNAL_INIT:
        return ExternalInitProposal.readBody(r);
      case GROUP_CONTEXT_EXTENSIONS:
        return GroupContextExtensionsProposal.readBody(r);
      default:
        throw new MlsException(
            MlsException.Reason.UNSUPPORTED, "unknown proposal type " + type + " by value");
    }
  }
}
