package io.agentwire.provider.noise;

/**
 * Which side of a Noise handshake this party plays (Noise revision 34, section 5.3): the initiator
 * sends the first handshake message. After a fallback (section 10.2) the roles swap.
 */
public enum NoiseRole {
  INITIATOR,
  RESPONDER;

  /** The other role. */
  public NoiseRole opposite() {
    return this == INITIATOR ? RESPONDER : INITIATOR;
  }
}
