package io.agentwire.mls.internal.message;

import io.agentwire.mls.MlsException;
import io.agentwire.mls.internal.codec.TlsReader;
import io.agentwire.mls.internal.codec.TlsWriter;

/**
 * {@code ProposalOrRef} of RFC 9420 §12.4: a proposal by value ({@link #proposal()}, with {@code
 * reference} null) or by {@code ProposalRef} ({@link #reference()}, with {@code proposal} null).
 * {@code ProposalOrRefType} is a closed set: other values are malformed.
 */
public record ProposalOrRef(Proposal proposal, byte[] reference) implements TlsWriter.Encodable {

  public static final int PROPOSAL = 1;
  public static final int REFERENCE = 2;

  public ProposalOrRef {
    if ((proposal == null) == (reference == null)) {
      throw new IllegalArgumentException("exactly one of proposal and reference");
    }
  }

  public static ProposalOrRef byValue(Proposal proposal) {
    return new ProposalOrRef(proposal, null);
  }

  public static ProposalOrRef byReference(byte[] reference) {
    return new ProposalOrRef(null, reference);
  }

  public boolean isReference() {
    return reference != null;
  }

  /** The {@code ProposalOrRefType}. */
  public int type() {
    return isReference() ? REFERENCE : PROPOSAL;
  }

  public static ProposalOrRef read(TlsReader r) throws MlsException {
    int type = r.u8();
    switch (type) {
      case PROPOSAL:
        return byValue(Proposal.read(r));
      case REFERENCE:
        return byReference(r.opaque());
      default:
        throw Wire.malformed("unknown ProposalOrRefType " + type);
    }
  }

  @Override
  public void encode(TlsWriter w) {
    w.u8(type());
    if (isReference()) {
      w.opaque(reference);
    } else {
      proposal.encode(w);
    }
  }

  @Override
  public String toString() {
    return isReference() ? "ProposalOrRef[reference]" : "ProposalOrRef[" + proposal + "]";
  }
}
